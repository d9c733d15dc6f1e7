"""Themes are data: TOML files with ``textual.theme.Theme`` fields.

Built-in themes ship inside the package (``tuiphone/ui/themes/``, a copy of the
repository's top-level ``themes/`` kept identical by a test) so they work installed;
user themes live in ``$XDG_CONFIG_HOME/tuiphone/themes/``. A file that does not
parse or has bad colours is reported, never fatal.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from textual.theme import Theme

# moved below the UI (``tuiphone doctor`` reads them too); re-exported for the UI
from tuiphone.config.terminal import terminal_colours as terminal_colours
from tuiphone.config.terminal import wants_mono as wants_mono

BUILTIN_DIR = Path(__file__).with_name("themes")
DEFAULT_THEME = "tuiphone-dark"
MONO_THEME = "tuiphone-mono"


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
    if not isinstance(data["name"], str) or not data["name"].strip():
        raise ValueError(f"name must be a non-empty string, not {data['name']!r}")
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
