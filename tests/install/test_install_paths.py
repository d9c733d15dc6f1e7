"""The README's install paths, done as a user does them: the wheel built once, then installed
with `pipx install` and with `uv tool install`, each into its own temporary home. The installed
`tuiphone` answers --version, finds its built-in themes, and `man` reads the page it ships.

The installed tool must never see this checkout: its environment has no PYTHONPATH and runs
from a directory outside it. Dependencies come from the installers' usual indexes, through
their usual caches (so only a first run downloads them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import tuiphone
from tests.conftest import lab_missing

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
THEMES = {"tuiphone-dark", "tuiphone-light", "tuiphone-mono"}


@dataclass(frozen=True)
class Installed:
    exe: Path  # the `tuiphone` on the user's PATH
    python: Path  # the interpreter of the tool's own venv
    man_dir: Path  # what a user passes to man -M (or adds to MANPATH)
    seconds: float


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not path:
        lab_missing(f"{name} not installed (pip install '.[test]')")
    return path


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> str:
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{args[:3]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
         _clean_env(), cwd=out)
    (built,) = out.glob("tuiphone-*.whl")
    return built


def _pipx(wheel: Path, home: Path) -> Installed:
    env = _clean_env(PIPX_HOME=str(home / "pipx"), PIPX_BIN_DIR=str(home / "bin"),
                     PIPX_MAN_DIR=str(home / "man"))
    start = time.monotonic()
    _run([_tool("pipx"), "install", "--python", sys.executable, str(wheel)], env, cwd=home)
    return Installed(home / "bin" / "tuiphone", home / "pipx" / "venvs" / "tuiphone" / "bin"
                     / "python", home / "man", time.monotonic() - start)


def _uv(wheel: Path, home: Path) -> Installed:
    tools = home / "uv-tools"
    env = _clean_env(UV_TOOL_DIR=str(tools), UV_TOOL_BIN_DIR=str(home / "bin"))
    start = time.monotonic()
    _run([_tool("uv"), "tool", "install", "--python", sys.executable, str(wheel)], env, cwd=home)
    venv = tools / "tuiphone"
    return Installed(home / "bin" / "tuiphone", venv / "bin" / "python",
                     venv / "share" / "man", time.monotonic() - start)


@pytest.fixture(scope="module", params=["pipx", "uv"])
def installed(request: pytest.FixtureRequest, wheel: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Installed:
    home = tmp_path_factory.mktemp(request.param)
    how = _pipx if request.param == "pipx" else _uv
    result = how(wheel, home)
    print(f"{request.param} install: {result.seconds:.1f} s")
    return result


def test_version(installed: Installed, tmp_path: Path) -> None:
    out = _run([str(installed.exe), "--version"], _clean_env(), cwd=tmp_path)
    assert out.strip() == f"tuiphone {tuiphone.__version__}"


def test_the_installed_code_runs_not_this_checkout(installed: Installed, tmp_path: Path) -> None:
    out = _run([str(installed.python), "-c", "import tuiphone; print(tuiphone.__file__)"],
               _clean_env(), cwd=tmp_path)
    assert not Path(out.strip()).is_relative_to(ROOT)


def test_themes_found(installed: Installed, tmp_path: Path) -> None:
    code = ("from tuiphone.ui.themes import BUILTIN_DIR, load_themes\n"
            "themes, problems = load_themes(BUILTIN_DIR)\n"
            "print(' '.join(sorted(t.name for t in themes)))\n"
            "print(len(problems))\n")
    names, problems = _run([str(installed.python), "-c", code], _clean_env(),
                           cwd=tmp_path).split("\n")[:2]
    assert set(names.split()) == THEMES
    assert problems == "0"


def test_man_page(installed: Installed, tmp_path: Path) -> None:
    man = shutil.which("man") or lab_missing("man not installed (Debian man-db)")
    env = _clean_env(MANWIDTH="80", MANPAGER="cat", PAGER="cat", LANG="C.UTF-8")
    out = _run([man, "-M", str(installed.man_dir), "tuiphone"], env, cwd=tmp_path)
    assert out.lstrip().startswith("TUIPHONE(1)")
    assert "\nSYNOPSIS\n" in out
    assert "\nEXIT STATUS\n" in out
