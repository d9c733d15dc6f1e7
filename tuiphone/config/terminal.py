"""What the environment says about the terminal: its colours (terminfo) and NO_COLOR.

Below the front ends so that both the TUI (its theme) and ``tuiphone doctor`` read it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping


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
