"""Shared test settings. Lab fixtures live in tests/lab/; helpers in tests/support/."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tests.support import asyncio_strict

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


def pytest_configure(config: pytest.Config) -> None:
    asyncio.set_event_loop_policy(asyncio_strict.StrictPolicy())


def _fail_on_reports(collect: bool, where: str) -> None:
    reports = asyncio_strict.take_reports(collect=collect)
    if reports:
        pytest.fail(f"asyncio reported unhandled errors {where}:\n\n" + "\n\n".join(reports),
                    pytrace=False)


@pytest.fixture(autouse=True)
def _asyncio_complaints() -> Iterator[None]:
    """Fail a test during which asyncio reported an error nobody handled (see
    tests/support/asyncio_strict.py). What only a garbage collection finds (a future
    in a reference cycle) is looked for once per module: a collection per test would
    cost a third of the run."""
    yield
    _fail_on_reports(collect=False, where="during this test")


@pytest.fixture(autouse=True, scope="module")
def _no_backend_left_running_by_the_module() -> Iterator[None]:
    """A module that leaves a PjBackend running fails at its end, and the backend is
    stopped: the modules after it would otherwise all fail to start theirs."""
    yield
    from tests.leaks import stop_leaked_backends

    if left := stop_leaked_backends():
        pytest.fail(f"this module left {left} PjBackend(s) running")


@pytest.fixture(autouse=True, scope="module")
def _asyncio_complaints_found_by_gc() -> Iterator[None]:
    yield
    _fail_on_reports(collect=True, where="during this module (found by the garbage collector)")


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
