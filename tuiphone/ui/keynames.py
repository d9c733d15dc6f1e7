"""Whether a ``[keymap]`` value names keys the terminal can send (as Textual names them).

A binding to a name that is no key (``f99``, ``ctrl+``) would never fire and say nothing:
the app names such values in a notice at start instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.keys import KEY_ALIASES, REPLACED_KEYS, Keys, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED = frozenset(
    {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    | set(KEY_ALIASES) | {a for names in KEY_ALIASES.values() for a in names if "+" not in a}
    | set(REPLACED_KEYS))


def is_key(name: str) -> bool:
    """One key with modifiers: ``ctrl+e``, ``f5``, ``question_mark``, ``ü``."""
    *mods, base = name.split("+")
    if not base or any(m not in MODIFIERS for m in mods):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    return base in _NAMED or key_to_character(base) is not None


def bad_keys(keymap: Mapping[str, str]) -> list[str]:
    """``id: 'value'`` for each keymap value holding something that is no key."""
    return [f"{action}: {value!r}" for action, value in sorted(keymap.items())
            if not all(is_key(part.strip()) for part in value.split(","))]
