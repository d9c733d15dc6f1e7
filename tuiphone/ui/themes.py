"""Themes are data: TOML files with ``textual.theme.Theme`` fields.

Built-in themes ship inside the package (``tuiphone/ui/themes/``, a copy of the
repository's top-level ``themes/`` kept identical by a test) so they work installed;
user themes live in ``$XDG_CONFIG_HOME/tuiphone/themes/``. A file that does not
parse or has bad colours is reported, never fatal.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from textual.theme import Theme

BUILTIN_DIR = Path(__file__).with_name("themes")
DEFAULT_THEME = "tuiphone-dark"
MONO_THEME = "tuiphone-mono"


def terminal_colours(env: Mapping[str, str] = os.environ) -> int | None:
    """How many colours terminfo says ``$TERM`` has (-1: none); None when unknown.
    ``COLORTERM=truecolor`` is taken at its word."""
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return 1 << 24
    term = env.get("TERM", "")
    if not term:
        return None
    try:  # tput, not curses: curses reads one terminfo entry per process
        out = subprocess.run(["tput", "-T", term, "colors"], capture_output=True, text=True,
                             timeout=2, check=True)
        return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):  # no tput, unknown $TERM
        return None


def wants_mono(no_color: bool, env: Mapping[str, str] = os.environ) -> bool:
    """The mono theme: with ``NO_COLOR`` (no-color.org), or on a terminal with no colours
    (vt100, dumb). An 8-colour entry (TERM=xterm, the Linux console) keeps colour:
    Textual maps the theme onto those 8 itself, and nearly every "xterm" has 256."""
    colours = terminal_colours(env)
    return no_color or (colours is not None and colours < 8)
_FIELDS = {f.name for f in fields(Theme)}


@dataclass(frozen=True, slots=True)
class ThemeProblem:
    path: Path
    error: str

    def __str__(self) -> str:
        return f"theme {self.path.name}: {self.error}"


def user_theme_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tuiphone" / "themes"


def load_theme(path: Path) -> Theme:
    """Parse one theme file. Raises ValueError with a readable reason."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ValueError(str(err)) from err
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    data.setdefault("name", path.stem)
    try:
        theme = Theme(**data)
        theme.to_color_system().generate()  # bad colours fail here, not at paint time
    except Exception as err:  # Theme raises several types for bad values
        raise ValueError(str(err) or type(err).__name__) from err
    return theme


def load_themes(*folders: Path) -> tuple[list[Theme], list[ThemeProblem]]:
    """Every ``*.toml`` theme in ``folders`` (later folders override by name)."""
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            try:
                theme = load_theme(path)
            except ValueError as err:
                problems.append(ThemeProblem(path, str(err)))
            else:
                themes[theme.name] = theme
    return list(themes.values()), problems
