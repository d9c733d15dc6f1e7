from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tuiphone.config import paths
from tuiphone.model.errors import ConfigError


def test_default_config_file_follows_xdg_config_home(tmp_path: Path) -> None:
    path, explicit = paths.config_file()
    assert path == Path(os.environ["XDG_CONFIG_HOME"]) / "tuiphone" / "config.toml"
    assert explicit is False


def test_env_var_overrides_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUIPHONE_CONFIG", str(tmp_path / "env.toml"))
    assert paths.config_file() == (tmp_path / "env.toml", True)


def test_explicit_path_beats_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUIPHONE_CONFIG", str(tmp_path / "env.toml"))
    assert paths.config_file(tmp_path / "cli.toml") == (tmp_path / "cli.toml", True)


def test_xdg_dirs() -> None:
    assert paths.data_dir() == Path(os.environ["XDG_DATA_HOME"]) / "tuiphone"
    assert paths.state_dir() == Path(os.environ["XDG_STATE_HOME"]) / "tuiphone"
    assert paths.cache_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "tuiphone"
    assert paths.themes_dir() == paths.config_dir() / "themes"
    assert paths.runtime_dir() == Path(os.environ["XDG_RUNTIME_DIR"]) / "tuiphone"


def test_runtime_dir_falls_back_to_per_uid_tmp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert paths.runtime_dir() == Path(f"/tmp/tuiphone-{os.getuid()}")


def test_ensure_dir_creates_with_mode(tmp_path: Path) -> None:
    target = paths.ensure_dir(tmp_path / "a" / "b", 0o700)
    assert target.is_dir()
    assert target.stat().st_mode & 0o777 == 0o700


def test_ensure_dir_tightens_existing_mode(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    paths.ensure_dir(loose, 0o700)
    assert loose.stat().st_mode & 0o777 == 0o700


def test_ensure_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ConfigError, match="not a directory"):
        paths.ensure_dir(tmp_path / "f")


def test_nothing_created_at_import(tmp_path: Path) -> None:
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
                "XDG_RUNTIME_DIR"):
        env[var] = str(tmp_path / "fresh" / var)
    code = "import tuiphone.config as c; c.load_config(); import tuiphone.config.appstate"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert not (tmp_path / "fresh").exists()


def test_import_is_cheap_and_headless() -> None:
    code = (
        "import sys, tuiphone.config, tuiphone.config.secret_store, tuiphone.config.appstate\n"
        "bad = [m for m in ('cryptography', 'textual', 'prompt_toolkit', 'pjsua2', 'keyring')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
