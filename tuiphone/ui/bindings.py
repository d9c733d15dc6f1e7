"""``tuiphone --bindings``: the action table as a plain listing."""

from __future__ import annotations

from collections.abc import Mapping

from tuiphone.ui.actions import ACTIONS, ActionSpec, alternates, key_display, keys_of


def format_bindings(keymap: Mapping[str, str] | None = None) -> str:
    """One line per action: id, keys in force, scope, description."""
    keymap = keymap or {}
    rows = [(s.id, key_display(keys_of(s, keymap)), s.scope, s.description + _also(s, keymap))
            for s in ACTIONS]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        f"{a:<{widths[0]}}  {k:<{widths[1]}}  {sc:<{widths[2]}}  {d}" for a, k, sc, d in rows
    ]
    return "\n".join(lines)


def _also(spec: ActionSpec, keymap: Mapping[str, str]) -> str:
    """`` (also: a in calls)``: the same action's other keys, for terminals without F-keys."""
    others = [f"{key_display(keys_of(o, keymap))} in {o.scope}" for o in alternates(spec)]
    return f"  (also: {', '.join(others)})" if others else ""


def print_bindings(keymap: Mapping[str, str] | None = None) -> None:
    """Print every binding id with its keys; ``keymap`` is the config's [keymap] table."""
    print(format_bindings(keymap))
