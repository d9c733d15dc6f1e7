"""The e2e environment: the installed console script and a HOME built from scratch."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_LAB


def installed_tuiphone() -> str:
    """The ``tuiphone`` console script installed next to this interpreter."""
    script = Path(sys.executable).parent / "tuiphone"
    if not os.access(script, os.X_OK):
        reason = f"tuiphone is not installed next to {sys.executable} (pip install -e .)"
        if REQUIRE_LAB:
            pytest.fail(reason)
        pytest.skip(reason)
    return str(script)


def isolated_env(root: Path, runtime: str, **extra: str) -> dict[str, str]:
    """An environment from scratch: nothing of the developer's HOME, config or engine."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_RUNTIME_DIR": runtime,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    return env | extra
