"""The XDG base directories, as the spec says (no library)."""

from __future__ import annotations

from pathlib import Path

from tuiphone.config.paths import cache_dir, config_dir, data_dir, state_dir
from tuiphone.store.paths import default_db_path


def test_set_unset_and_relative(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", "/x/conf")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")  # ignored: not absolute
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", "  ")
    assert config_dir() == Path("/x/conf/tuiphone")
    assert data_dir() == tmp_path / ".local/share/tuiphone"
    assert default_db_path() == data_dir() / "tuiphone.db"
    assert state_dir() == tmp_path / ".local/state/tuiphone"
    assert cache_dir() == tmp_path / ".cache/tuiphone"
