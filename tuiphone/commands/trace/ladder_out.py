"""A dialog's ladder as text, Markdown or SVG for a ticket, and as data for --json.

Each format gives the ladder the TUI pane draws, then every message in full with the
values of Authorization and Proxy-Authorization replaced: a ticket is read by people
who must not get a digest response to replay or crack offline.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from tuiphone.commands.trace.ladder import Dialog, arrow, header, summary

REDACTED = "[redacted]"
# the value, with any folded continuation lines (a line starting with blank space)
_AUTH = re.compile(r"^((?:proxy-)?authorization[ \t]*:[ \t]*)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
                   re.I | re.M)

WIDTH = 36  # the rung width of a pane about 60 cells wide
FORMATS = ("text", "markdown", "svg")


def redact(text: str) -> str:
    """``text`` with every Authorization and Proxy-Authorization value replaced. (A
    capture from elsewhere holds no password of ours; our own trace has its password
    parameters masked when it is taken.)"""
    return _AUTH.sub(lambda m: m.group(1) + REDACTED, text)


def messages(dialog: Dialog) -> list[str]:
    """Each message, redacted, under a line: its number, time, direction and peer."""
    t0 = dialog.entries[0].timestamp
    out = []
    for n, entry in enumerate(dialog.entries, 1):
        head = (f"[{n}] {entry.timestamp - t0:+.3f}s {entry.direction.upper()} "
                f"{entry.transport} {entry.peer}")
        out.append(head + "\n" + redact(entry.text.replace("\r\n", "\n")).rstrip("\n"))
    return out


def ladder_lines(dialog: Dialog, width: int = WIDTH) -> list[str]:
    t0 = dialog.entries[0].timestamp
    return [header(dialog, width), *(arrow(e, t0, width) for e in dialog.entries)]


def as_text(dialog: Dialog) -> str:
    title = f"Call-ID: {dialog.call_id}"
    return "\n".join([title, "", *ladder_lines(dialog), "", "\n\n".join(messages(dialog))]) + "\n"


def as_markdown(dialog: Dialog) -> str:
    parts = [f"**SIP ladder** · Call-ID `{dialog.call_id}`", "", "```",
             *ladder_lines(dialog), "```", ""]
    for block in messages(dialog):
        head, _, body = block.partition("\n")
        parts += [f"<details><summary>{escape(head)}</summary>", "", "```", body, "```",
                  "", "</details>", ""]
    return "\n".join(parts)


def as_data(dialog: Dialog) -> dict[str, Any]:
    t0 = dialog.entries[0].timestamp
    return {
        "call_id": dialog.call_id,
        "peer": dialog.entries[0].peer,
        "rungs": [
            {"t": round(e.timestamp - t0, 6), "direction": e.direction,
             "label": summary(e), "transport": e.transport, "peer": e.peer,
             "text": redact(e.text)}
            for e in dialog.entries
        ],
    }


_ROW, _TOP, _LEFT, _RIGHT, _TIME_X = 28, 56, 150, 560, 10


def as_svg(dialog: Dialog) -> str:
    """Two lifelines (local, peer), one labelled arrow per message; hovering an arrow
    shows the (redacted) message."""
    t0 = dialog.entries[0].timestamp
    height = _TOP + _ROW * len(dialog.entries) + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{height}" '
        f'font-family="monospace" font-size="12">',
        '<defs><marker id="a" markerWidth="10" markerHeight="8" refX="9" refY="4" '
        'orient="auto"><path d="M0,0 L10,4 L0,8 z"/></marker></defs>',
        f'<text x="{_TIME_X}" y="16">Call-ID: {escape(dialog.call_id)}</text>',
        f'<text x="{_LEFT}" y="40" text-anchor="middle">local</text>',
        f'<text x="{_RIGHT}" y="40" text-anchor="middle">'
        f'{escape(dialog.entries[0].peer)}</text>',
        f'<line x1="{_LEFT}" y1="46" x2="{_LEFT}" y2="{height - 10}" stroke="#888"/>',
        f'<line x1="{_RIGHT}" y1="46" x2="{_RIGHT}" y2="{height - 10}" stroke="#888"/>',
    ]
    for n, entry in enumerate(dialog.entries):
        y = _TOP + _ROW * n + 14
        x1, x2 = (_LEFT, _RIGHT) if entry.direction == "tx" else (_RIGHT, _LEFT)
        out += [
            f'<g><title>{escape(redact(entry.text))}</title>',
            f'<text x="{_TIME_X}" y="{y}">{entry.timestamp - t0:+.3f}s</text>',
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="black" '
            'marker-end="url(#a)"/>',
            f'<text x="{(_LEFT + _RIGHT) // 2}" y="{y - 4}" text-anchor="middle">'
            f'{escape(summary(entry))}</text></g>',
        ]
    out.append("</svg>")
    return "\n".join(out) + "\n"


RENDER = {"text": as_text, "markdown": as_markdown, "svg": as_svg}
