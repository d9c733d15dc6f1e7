"""Doors to the heavy front ends, imported only when asked for: the Textual TUI and the
prompt_toolkit shell (so one-shot commands never load either)."""

from __future__ import annotations

import argparse

from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.output import print_error
from tuiphone.model.errors import TuiphoneError


def run_tui(ns: argparse.Namespace, dial: str = "") -> int:
    """``tuiphone.ui.run(config_path)``; a config error is reported, not a traceback.
    ``dial``: text to put in the dialpad (``open sip:…`` with no engine running)."""
    from tuiphone.ui import run

    try:
        return int(run(getattr(ns, "config", None), dial=dial) or 0)
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)


def print_bindings() -> int:
    from tuiphone.ui.bindings import print_bindings as show

    show()
    return 0


def run_shell(ns: argparse.Namespace) -> int:
    from tuiphone.shell.app import run_shell as shell

    return shell(ns)
