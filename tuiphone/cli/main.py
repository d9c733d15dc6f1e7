"""``tuiphone``: dispatch to a one-shot command, a front end, or the TUI."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Return the exit status (see man tuiphone, EXIT STATUS)."""
    words = sys.argv[1:] if argv is None else argv
    if words == ["--version"]:  # answered before the command table is even imported
        from tuiphone import __version__

        print(f"tuiphone {__version__}")
        return 0
    if words[:1] == ["__complete"]:  # a shell's Tab: the table only, never an engine
        from tuiphone.cli.complete import main as complete

        return complete(words[1:])
    from tuiphone.cli.parser import parser_for

    ns = parser_for(words).parse_args(words)
    try:
        return _dispatch(ns)
    except BrokenPipeError:
        return _reader_left()
    except Exception:
        from tuiphone.host.crash import count_crash

        count_crash(getattr(ns, "config", None))
        raise  # the traceback is the bug report


def _reader_left() -> int:
    """Standard output's reader went away (``tuiphone events | head``): end quietly, with
    the status a shell reports for a tool SIGPIPE killed."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the flush at exit would fail again
    return 128 + 13  # 141


def _dispatch(ns: argparse.Namespace) -> int:
    if ns.bindings:
        from tuiphone.cli.frontends import print_bindings

        return print_bindings()
    front_end = getattr(ns, "front_end", None)
    if front_end == "daemon":
        from tuiphone.cli.daemon import run_daemon

        return run_daemon(ns)
    if front_end == "completion":
        from tuiphone.cli.complete import print_script

        return print_script(ns.shell)
    if front_end == "run":
        from tuiphone.cli.script import run_script

        return run_script(ns)
    if front_end == "load":
        from tuiphone.load.run import run_load

        return run_load(ns)
    if front_end == "shell":
        from tuiphone.cli.frontends import run_shell

        return run_shell(ns)
    command = getattr(ns, "command", None)
    if command is None:
        from tuiphone.cli.frontends import run_tui

        return run_tui(ns)
    if command.name == "open":
        from tuiphone.commands.dial_link import is_dial_link

        if is_dial_link(ns.link):
            from tuiphone.cli.dial import open_dial

            return open_dial(ns)
    from tuiphone.cli.oneshot import run_command

    return run_command(command, ns)


if __name__ == "__main__":
    sys.exit(main())
