"""Shared test settings. Lab fixtures live in tests/lab/; helpers in tests/support/."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import NoReturn

import pytest

REQUIRE_LAB = os.environ.get("TUIPHONE_REQUIRE_LAB") == "1"


def need_binary(name: str) -> str:
    """Return the path of a lab binary, or skip (fail under TUIPHONE_REQUIRE_LAB=1)."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path:
        return path
    lab_missing(f"lab binary {name!r} not installed (run: make lab)")


def lab_missing(reason: str) -> NoReturn:
    """Skip for ``reason``, or fail under TUIPHONE_REQUIRE_LAB=1 (CI must not skip the lab)."""
    if REQUIRE_LAB:
        pytest.fail(reason + " and TUIPHONE_REQUIRE_LAB=1")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_xdg(tmp_path, monkeypatch):
    """No test ever reads or writes the developer's real config, data or runtime dirs."""
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        d = tmp_path / "xdg" / sub
        d.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(d))
    # The theme follows the terminal (NO_COLOR, terminfo): tests get a colour one,
    # whatever terminal (or none) runs them; the e2e tests set TERM themselves.
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLORTERM", raising=False)
    # AF_UNIX paths are limited to 108 bytes, so the runtime dir must be short.
    run = tempfile.mkdtemp(prefix="tp-run-")
    os.chmod(run, 0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", run)
    yield
    shutil.rmtree(run, ignore_errors=True)
    monkeypatch.delenv("TUIPHONE_CONFIG", raising=False)
