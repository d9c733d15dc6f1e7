"""Lazy doors to the heavy front ends: the Textual TUI and the prompt_toolkit shell."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from tuiphone.commands.exitcodes import USAGE, exit_code
from tuiphone.commands.output import print_error
from tuiphone.model.errors import TuiphoneError


def _entry(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError as err:
        if err.name and module.startswith(err.name):
            return None
        raise


def run_tui(ns: argparse.Namespace) -> int:
    """``tuiphone.ui.run(config_path)``; a config error is reported, not a traceback."""
    run = _entry("tuiphone.ui", "run")
    if run is None:
        print("tuiphone: the TUI is not available in this build; try 'tuiphone --help'",
              file=sys.stderr)
        return USAGE
    try:
        return int(run(getattr(ns, "config", None)) or 0)
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)


def print_bindings() -> int:
    show = _entry("tuiphone.ui.bindings", "print_bindings")
    if show is None:
        print("tuiphone: key bindings are not available in this build", file=sys.stderr)
        return USAGE
    show()
    return 0


def run_shell(ns: argparse.Namespace) -> int:
    # importlib keeps cli and shell independent siblings (import-linter layers)
    shell = _entry("tuiphone.shell.app", "run_shell")
    return int(shell(ns))
