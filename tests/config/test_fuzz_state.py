"""Hostile ``state.toml`` (the file the app owns, which anyone can still edit or
damage): whatever bytes it holds, reading it gives a value or one ConfigError line that
names the file, never a traceback; a save that cannot be written leaves the old file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import fuzz
from tuiphone.config.appstate import (
    apply_state,
    load_audio_choices,
    load_location_override,
    save_location_override,
    write_state,
)
from tuiphone.config.embedded import default_config
from tuiphone.model.errors import ConfigError

KEYS = st.sampled_from(["quickdial", "location", "override", "uri", "name", "label", "blf",
                        "presence", "account", "key", "ui", "x", "audio", "output", "ring"])
VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.text(max_size=8),
              st.sampled_from(["sip:a@127.0.0.1", "home", ""])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12)
DOCS = st.dictionaries(KEYS, st.one_of(VALUES, st.lists(st.dictionaries(KEYS, VALUES,
                                                                        max_size=5),
                                                        max_size=3)), max_size=4)
PIECES = st.sampled_from([b"[[quickdial]]\n", b"uri = ", b'"sip:a@b"\n', b"[location]\n",
                          b"override = ", b"\xff\xfe", b"= =\n", b'"\n', b"[", b"\x00"])
JUNK = st.lists(st.one_of(PIECES, st.binary(max_size=8)), max_size=20).map(b"".join)


def read_all(path: Path) -> None:
    """Every reader of state.toml: a value, or a ConfigError naming the file."""
    for read in (lambda: apply_state(default_config(), path), lambda: load_location_override(path),
                 lambda: load_audio_choices(path)):
        try:
            read()
        except ConfigError as err:
            problems = err.problems
            assert problems, "a ConfigError lists its problems"
            assert all(p.startswith(f"{path}:") for p in problems), problems


def _file(data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tp-state-"))
    path = folder / "state.toml"
    path.write_bytes(data)
    return path


@fuzz(150)
@given(JUNK)
def test_damaged_bytes(data: bytes) -> None:
    read_all(_file(data))


@fuzz(150)
@given(DOCS)
def test_any_toml_shape(doc: dict[str, Any]) -> None:
    read_all(_file(tomli_w.dumps(doc).encode()))


@pytest.mark.parametrize("bad", [{"ui": {"x": None}}, {"ui": {"x": object()}}])
def test_a_failed_save_leaves_the_old_file_whole(tmp_path: Path, bad: dict[str, Any]) -> None:
    path = tmp_path / "own" / "state.toml"
    save_location_override("home", path)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="cannot save state"):
        write_state(bad, path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["state.toml"]  # no temp file left behind
    assert load_location_override(path) == "home"
