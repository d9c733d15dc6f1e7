"""Lazy doors to the heavy front ends: the Textual TUI and the prompt_toolkit shell."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from tuiphone.commands.exitcodes import USAGE


def _entry(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError as err:
        if err.name and module.startswith(err.name):
            return None
        raise


def run_tui(ns: argparse.Namespace) -> int:
    main = _entry("tuiphone.ui", "main")
    if main is None:
        print("tuiphone: the TUI is not available in this build; try 'tuiphone --help'",
              file=sys.stderr)
        return USAGE
    return int(main(ns) or 0)


def print_bindings() -> int:
    show = _entry("tuiphone.ui.bindings", "print_bindings")
    if show is None:
        print("tuiphone: key bindings are not available in this build", file=sys.stderr)
        return USAGE
    show()
    return 0


def run_shell(ns: argparse.Namespace) -> int:
    from tuiphone.shell.app import run_shell as shell

    return shell(ns)
