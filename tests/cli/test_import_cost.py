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
