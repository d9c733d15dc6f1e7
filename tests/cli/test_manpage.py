"""man/tuiphone.1 documents every command, option and exit status of the real parser."""

from __future__ import annotations

import argparse
import re

import pytest

from tests.cli.conftest import ROOT
from tuiphone.cli.parser import build_parser

MAN = ROOT / "man" / "tuiphone.1"


def _text() -> str:
    raw = MAN.read_text()
    return re.sub(r"\\f[BIRP]", "", raw).replace("\\-", "-")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _words() -> list[str]:
    parser = build_parser()
    words = {s for a in parser._actions for s in a.option_strings}
    for name, sub in _subparsers(parser).items():
        words.add(name)
        words.update(s for a in sub._actions for s in a.option_strings)
    return sorted(words)


@pytest.mark.parametrize("word", _words())
def test_documented(word):
    pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
    assert re.search(pattern, _text()), f"{word} is missing from man/tuiphone.1"


@pytest.mark.parametrize("code", range(7))
def test_exit_status_documented(code):
    section = _text().split(".SH EXIT STATUS", 1)[1].split(".SH", 1)[0]
    assert f".B {code}\n" in section


@pytest.mark.parametrize("var", ["TUIPHONE_CONFIG", "TUIPHONE_PASSPHRASE", "XDG_CONFIG_HOME",
                                 "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"])
def test_environment_documented(var):
    section = _text().split(".SH ENVIRONMENT", 1)[1].split(".SH", 1)[0]
    assert var in section


def test_man_page_renders_without_warnings():
    import shutil
    import subprocess

    if not shutil.which("groff"):
        pytest.skip("groff not installed")
    proc = subprocess.run(["groff", "-man", "-Tutf8", "-ww", str(MAN)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert not proc.stderr.strip(), proc.stderr
