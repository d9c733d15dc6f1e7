"""How a command is declared: once, for every front end."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuiphone.engine.api import PhoneApi

# async (phone, args) -> JSON-able result; a streaming command is an async generator.
Handler = Callable[["PhoneApi", argparse.Namespace], Any]


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument, passed to ``argparse.add_argument(*flags, **options)``.

    ``complete`` names what the REPL offers for it: "account", "call", "contact",
    or a tuple of literal words.
    """

    flags: tuple[str, ...]
    help: str
    options: dict[str, Any] = field(default_factory=dict)
    complete: str | tuple[str, ...] | None = None

    @property
    def positional(self) -> bool:
        return not self.flags[0].startswith("-")


@dataclass(frozen=True, slots=True)
class Command:
    """A command: ``running`` ones only make sense on an engine that is already running
    (exit 6 without one); ``stream`` ones yield items until stopped; ``local`` ones do
    their work in the caller's process and never need an engine (one-shot runs start none).
    A private engine gets the built-in echo line only for ``echo`` commands and commands
    with an argument naming it (see ``tuiphone.host.oneshot.needs_echo``). ``terminal``
    ones may ask on the user's terminal, so the TUI's ':' line and the control socket
    refuse them. ``opens`` ones get no engine from a one-shot run but a way to open one,
    ``args.open_engine`` (an async context giving the PhoneApi), so they can look at the
    machine first; from the shell, the TUI or the socket they get the front end's engine.

    ``handler`` is a function; the table's come from ``handlers.py``, each importing
    its module only when the command runs."""

    name: str
    help: str
    handler: Handler
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    running: bool = False
    stream: bool = False
    details: str = ""
    local: bool = False
    echo: bool = False  # shows the built-in echo line even when no argument names it
    terminal: bool = False  # asks on the user's terminal: not from the TUI or the socket
    opens: bool = False  # opens the engine itself, when it is ready (args.open_engine)
    logs: bool = False  # a local command whose work belongs in the application log
    local_if: str = ""  # the argument that, when given, makes the run ``local``

    def is_local(self, args: argparse.Namespace) -> bool:
        """``local``, or made so by this run's arguments (``trace --from-pcap``)."""
        return self.local or bool(self.local_if and getattr(args, self.local_if, None))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def run(self) -> Handler:
        return self.handler


def arg(
    *flags: str, help: str, complete: str | tuple[str, ...] | None = None, **options: Any
) -> Arg:
    """Shorthand: ``arg("--count", type=int, default=1, help="...")``."""
    return Arg(flags=flags, help=help, options=options, complete=complete)


TIMEOUT = arg("--timeout", type=float, default=None, metavar="S", help="give up after S seconds")
CALL = arg("call", nargs="?", default=None, metavar="CALL", complete="call",
           help="call id (default: the only call)")
