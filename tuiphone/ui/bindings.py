"""``tuiphone --bindings``: the action table as a plain listing."""

from __future__ import annotations

from collections.abc import Mapping

from tuiphone.ui.actions import ACTIONS, keys_of


def format_bindings(keymap: Mapping[str, str] | None = None) -> str:
    """One line per action: id, keys in force, scope, description."""
    keymap = keymap or {}
    rows = [(s.id, keys_of(s, keymap), s.scope, s.description) for s in ACTIONS]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        f"{a:<{widths[0]}}  {k:<{widths[1]}}  {sc:<{widths[2]}}  {d}" for a, k, sc, d in rows
    ]
    return "\n".join(lines)


def print_bindings(keymap: Mapping[str, str] | None = None) -> None:
    """Print every binding id with its keys; ``keymap`` is the config's [keymap] table."""
    print(format_bindings(keymap))
