"""The one-shot path never imports the heavy toolkits."""

from __future__ import annotations

import subprocess
import sys

from tests.cli.conftest import ROOT, cli_env

CHECK = """
import sys
import tuiphone.cli.main, tuiphone.cli.oneshot, tuiphone.commands
heavy = [m for m in ("textual", "prompt_toolkit", "pjsua2", "rich") if m in sys.modules]
print(",".join(heavy))
"""


def test_one_shot_imports_are_light():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         env=cli_env(), cwd=ROOT, check=True).stdout.strip()
    assert out == ""


REGISTER = """
import sys
from tuiphone.cli.parser import parser_for
from tuiphone.host.oneshot import needs_echo
import tuiphone.cli.oneshot
ns = parser_for(["register"]).parse_args(["register"])
assert not needs_echo(ns.command, ns)
ns.command.run
lazy = ("tuiphone.commands.calls.call", "tuiphone.commands.contacts.command",
        "tuiphone.commands.chat", "tuiphone.contacts", "tuiphone.engine.phone",
        "tuiphone.control.remote",
        "tuiphone.control.server", "tuiphone.store", "rich", "httpx")
print(",".join(m for m in lazy if m in sys.modules))
"""


def test_register_loads_only_its_own_handler():
    """Command declarations are cheap; only the handler of the command run is imported."""
    out = subprocess.run([sys.executable, "-c", REGISTER], capture_output=True, text=True,
                         env=cli_env(), cwd=ROOT, check=True).stdout.strip()
    assert out == ""
