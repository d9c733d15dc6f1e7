"""``[[hooks]]`` and ``[engine] hooks_at_once``: parsed values, and file:line: key errors."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.config import AppConfig
from tuiphone.model.hooks import Hook, HookEvent

Problems = Callable[..., list[str]]
Load = Callable[..., AppConfig]


def test_values(load_text: Load) -> None:
    config = load_text('[engine]\nhooks_at_once = 2\n'
                       '[[hooks]]\non = "incoming"\nrun = ["notify-send", "{caller}"]\n'
                       '[[hooks]]\non = "lamp"\nrun = "lamp-changed"\ntimeout = 3\n')
    assert config.engine.hooks_at_once == 2
    assert config.hooks == (Hook(HookEvent.INCOMING, ("notify-send", "{caller}"), 10.0),
                            Hook(HookEvent.LAMP, ("lamp-changed",), 3.0))
    assert load_text("").hooks == ()


def test_errors_name_file_line_and_key(problems_of: Problems) -> None:
    found = problems_of('[[hooks]]\non = "ringing"\nrun = ["x"]\n'
                        '[[hooks]]\non = "message"\nrun = ["x", "{caller}"]\n'
                        '[[hooks]]\non = "missed"\n'
                        '[[hooks]]\non = "lamp"\nrun = ["x"]\ntimeout = 0\nshell = true\n'
                        '[engine]\nhooks_at_once = 0\n')
    assert found[0].startswith("CFG:2: hooks[0].on: 'ringing' is not one of incoming, ")
    assert found[1].startswith("CFG:6: hooks[1].run: {caller}: not a field of 'message'")
    assert any(p.startswith("CFG:7: hooks[2].run: missing") for p in found)
    assert "CFG:12: hooks[3].timeout: 0 is out of range 1..3600" in found
    assert any(p.startswith("CFG:13: hooks[3].shell: unknown key") for p in found)
    assert "CFG:15: engine.hooks_at_once: 0 is out of range 1..64" in found
