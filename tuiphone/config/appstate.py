"""The TOML file the app owns (``state.toml``): UI state and QuickDial edits.

Written with tomli_w, atomically (temp file + fsync + rename). The user's
config.toml is never written; entries saved here take precedence over it.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tuiphone.config.atomic import atomic_write
from tuiphone.config.loader import syntax_message
from tuiphone.config.paths import state_file
from tuiphone.config.problems import Problems
from tuiphone.config.quickdial import entry_to_toml, parse_quickdial
from tuiphone.config.reader import Reader
from tuiphone.config.schema import AppConfig, QuickDialEntry
from tuiphone.model.errors import ConfigError


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError([f"{path}: cannot read: {err}"]) from err


def read_state(path: Path | None = None) -> dict[str, Any]:
    """The whole state file as a dict ({} if absent). Raises ConfigError if damaged."""
    path = path if path is not None else state_file()
    text = _text(path)
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([syntax_message(str(path), text, err)]) from err


def write_state(data: Mapping[str, Any], path: Path | None = None) -> None:
    """Replace the state file with ``data`` (mode 0600). Raises ConfigError on I/O errors."""
    import tomli_w

    path = path if path is not None else state_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, tomli_w.dumps(dict(data)).encode("utf-8"), 0o600)
    except OSError as err:
        raise ConfigError([f"{path}: cannot write: {err.strerror}"]) from err
    except (TypeError, ValueError) as err:  # tomli_w refuses None and odd types
        raise ConfigError([f"{path}: cannot save state: {err}"]) from err


def update_state(section: str, values: Mapping[str, Any], path: Path | None = None) -> None:
    """Replace one top-level table, keeping the rest of the file."""
    data = read_state(path)
    data[section] = dict(values)
    write_state(data, path)


def save_quickdial(entries: Sequence[QuickDialEntry], path: Path | None = None) -> None:
    """Store the QuickDial list as edited in the app."""
    data = read_state(path)
    data["quickdial"] = [entry_to_toml(entry) for entry in entries]
    write_state(data, path)


def load_quickdial(path: Path | None = None) -> tuple[QuickDialEntry, ...] | None:
    """The saved QuickDial list, or None if the app never saved one."""
    path = path if path is not None else state_file()
    data = read_state(path)
    if "quickdial" not in data:
        return None
    problems = Problems(str(path), _text(path) or "")
    entries = parse_quickdial(Reader(data, (), problems))
    problems.raise_if_any()
    return entries


def apply_state(config: AppConfig, path: Path | None = None) -> AppConfig:
    """``config`` with the app's saved QuickDial list in place of the file's, if any."""
    saved = load_quickdial(path)
    return config if saved is None else dataclasses.replace(config, quickdial=saved)


def load_location_override(path: Path | None = None) -> str | None:
    """The profile ``location set NAME`` picked, or None (match the network)."""
    value = read_state(path).get("location", {})
    name = value.get("override") if isinstance(value, dict) else None
    return name if isinstance(name, str) and name else None


def save_location_override(name: str | None, path: Path | None = None) -> None:
    """Keep (or, with None, forget) the profile picked by hand."""
    data = read_state(path)
    if name is None:
        data.pop("location", None)
    else:
        data["location"] = {"override": name}
    write_state(data, path)


AUDIO_ROLES = ("input", "output", "ring")


def load_audio_choices(path: Path | None = None) -> dict[str, str]:
    """The devices ``audio use`` kept, by role ("" is the system default)."""
    saved = read_state(path).get("audio", {})
    if not isinstance(saved, dict):
        return {}
    return {k: v for k, v in saved.items() if k in AUDIO_ROLES and isinstance(v, str)}


def save_audio_choice(role: str, device: str | None, path: Path | None = None) -> None:
    """Keep ``device`` (None: the system default) for ``role`` across restarts."""
    data = read_state(path)
    audio = data.get("audio", {})
    data["audio"] = {**(audio if isinstance(audio, dict) else {}), role: device or ""}
    write_state(data, path)
