"""Run the real CLI entry point in-process and capture what it printed."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tuiphone.cli.main import main


def run_command(
    command: str, capsys: pytest.CaptureFixture[str], cfg: Path, *words: str
) -> tuple[int, str, str]:
    """``tuiphone --config CFG COMMAND WORDS...``: (exit code, stdout, stderr)."""
    code = main(["--config", str(cfg), command, *words])
    out, err = capsys.readouterr()
    return code, out, err


run_contacts = partial(run_command, "contacts")
