"""The app's own state.toml: atomic, private, and never the user's config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiphone.config import QuickDialEntry, load_config
from tuiphone.config.appstate import (
    apply_state,
    load_quickdial,
    read_state,
    save_quickdial,
    update_state,
    write_state,
)
from tuiphone.config.paths import state_file
from tuiphone.model.errors import ConfigError


def test_missing_state_is_empty() -> None:
    assert read_state() == {}
    assert load_quickdial() is None


def test_write_and_read_default_location() -> None:
    write_state({"ui": {"pane": "calls", "width": 80}})
    assert read_state() == {"ui": {"pane": "calls", "width": 80}}
    assert state_file().stat().st_mode & 0o777 == 0o600


def test_update_keeps_other_sections(tmp_path: Path) -> None:
    path = tmp_path / "own" / "state.toml"
    write_state({"ui": {"pane": "calls"}, "window": {"split": 3}}, path)
    update_state("ui", {"pane": "chat"}, path)
    assert read_state(path) == {"ui": {"pane": "chat"}, "window": {"split": 3}}
    assert [p.name for p in path.parent.iterdir()] == ["state.toml"]  # no temp files left


def test_unserialisable_value_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot save state"):
        write_state({"ui": {"x": object()}}, tmp_path / "state.toml")
    assert not (tmp_path / "state.toml").exists()


def test_damaged_state_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    path.write_text("[ui]\npane = \n")
    with pytest.raises(ConfigError, match=r"state.toml:2:\d+: TOML syntax error"):
        read_state(path)


def test_quickdial_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    entries = (QuickDialEntry("Bob", "sip:bob@x", blf=True, pickup="**", group="Team"),
               QuickDialEntry("Desk", "100"))
    save_quickdial(entries, path)
    assert load_quickdial(path) == entries


def test_saved_quickdial_replaces_the_config_list(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text('[[quickdial]]\nlabel = "Old"\nuri = "sip:old@x"\n')
    config_path.chmod(0o600)
    before = config_path.read_bytes()
    config = load_config(config_path)
    assert apply_state(config).quickdial == config.quickdial  # nothing saved yet
    save_quickdial([QuickDialEntry("New", "sip:new@x")])
    assert [q.label for q in apply_state(config).quickdial] == ["New"]
    assert config_path.read_bytes() == before


def test_invalid_saved_quickdial(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    path.write_text('[[quickdial]]\nlabel = "X"\nuri = "http://x"\n')
    with pytest.raises(ConfigError, match=r"state.toml:3: quickdial\[0\].uri"):
        load_quickdial(path)
