"""Alerts for a call that rings: the terminal bell, desktop notifications by escape
sequence (OSC 9 as iTerm2/WezTerm/Windows Terminal read it, OSC 777 as foot, kitty and
VTE read it; wrapped for tmux, which passes them on with ``allow-passthrough on``), and
``notify-send`` where it is installed (run without a shell).

The caller's name comes from the network: control characters are dropped before it
goes into an escape sequence, so a crafted display name cannot write to the terminal."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Mapping, Sequence

TITLE = "tuiphone: incoming call"
log = logging.getLogger("tuiphone.ui.alerts")


def printable(text: str, limit: int = 120) -> str:
    """``text`` without C0/C1 controls, ESC, BEL or ';' (the OSC field separator)."""
    kept = "".join(c for c in text if c.isprintable() and c != ";" and not 0x80 <= ord(c) < 0xA0)
    return kept[:limit]


def osc_notification(body: str, in_tmux: bool) -> str:
    """OSC 9 and OSC 777 notifications; each wrapped in tmux's DCS passthrough if needed."""
    text = printable(body)
    sequences = [f"\x1b]9;{TITLE}: {text}\x07", f"\x1b]777;notify;{TITLE};{text}\x07"]
    if in_tmux:
        sequences = ["\x1bPtmux;" + s.replace("\x1b", "\x1b\x1b") + "\x1b\\" for s in sequences]
    return "".join(sequences)


def notify_argv(body: str, which: Callable[[str], str | None] = shutil.which
                ) -> list[str] | None:
    path = which("notify-send")
    if path is None:
        return None
    return [path, "--app-name=tuiphone", "--urgency=critical", TITLE, printable(body)]


class Alerter:
    """``kinds`` from ``[ui] alert``; ``write`` puts text on the terminal, ``bell`` rings
    it, ``run`` starts a command (an argv) in the background."""

    def __init__(self, kinds: Sequence[str], write: Callable[[str], None],
                 bell: Callable[[], None], run: Callable[[list[str]], None],
                 env: Mapping[str, str]) -> None:
        self.kinds = tuple(kinds)
        self._write, self._bell, self._run = write, bell, run
        self._in_tmux = bool(env.get("TMUX"))
        self._no_notify_send = False

    def incoming(self, who: str) -> list[str]:
        """Alert for a call from ``who``; returns the kinds that went out."""
        done = []
        if "bell" in self.kinds:
            self._bell()
            done.append("bell")
        if "osc" in self.kinds:
            self._write(osc_notification(who, self._in_tmux))
            done.append("osc")
        if "notify" in self.kinds and not self._no_notify_send:
            argv = notify_argv(who)
            if argv is None:
                self._no_notify_send = True  # said once in the log, not at every call
                log.warning("[ui] alert: notify-send is not installed (Debian: libnotify-bin)")
            else:
                self._run(argv)
                done.append("notify")
        return done
