"""Hostile theme files: whatever a file in the themes folder holds, loading gives
themes and one problem line per bad file, never an exception, and a good theme next to
bad ones still loads."""

from __future__ import annotations

import tempfile
from pathlib import Path

import tomli_w
from hypothesis import example, given
from hypothesis import strategies as st

from tests.support.fuzz import fuzz
from tuiphone.ui.themes import load_themes

FIELDS = st.sampled_from(["name", "primary", "secondary", "background", "surface", "panel",
                          "warning", "error", "success", "accent", "foreground", "boost",
                          "dark", "luminosity_spread", "text_alpha", "variables", "nope"])
COLOURS = st.sampled_from(["#ff0000", "red", "rgb(1,2,3)", "hsl(10,50%,50%)", "#12", "",
                           "not a colour", "#ffffffff", "ansi_red"])
VALUES = st.one_of(COLOURS, st.integers(), st.floats(allow_nan=False), st.booleans(),
                   st.text(max_size=6), st.lists(st.integers(), max_size=2),
                   st.dictionaries(st.text(max_size=5), COLOURS, max_size=3))
THEME = st.dictionaries(FIELDS, VALUES, max_size=8)
GOOD = 'name = "good"\nprimary = "#336699"\ndark = true\n'


@fuzz(100)
@example([b'name = []\nprimary = "#ff0000"\n'])  # once crashed load_themes (unhashable)
@given(st.lists(st.one_of(THEME.map(lambda d: tomli_w.dumps(d).encode()),
                          st.binary(max_size=60)), min_size=1, max_size=4))
def test_bad_theme_files_are_problems_not_crashes(files: list[bytes]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tp-themes-"))
    (folder / "00-good.toml").write_text(GOOD)
    for n, data in enumerate(files):
        (folder / f"bad{n}.toml").write_bytes(data)
    themes, problems = load_themes(folder)
    names = {t.name for t in themes}
    assert "good" in names or any(b"good" in f for f in files)
    assert len(problems) <= len(files)  # one line per bad file, at most
    assert all(str(p).startswith("theme bad") for p in problems), problems
    assert all("\n" not in str(p) for p in problems)
