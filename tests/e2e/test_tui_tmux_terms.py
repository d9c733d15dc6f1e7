"""The TUI on terminals with and without colours, in a real tmux: a vt100 or NO_COLOR
gets the mono theme, xterm-256color the configured one. The theme in use shows in the
notice of ctrl+z ("next theme"): after mono comes dark, after dark comes light."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.env import installed_tuiphone
from tests.e2e.tmuxtui import TmuxTui
from tuiphone.ui.themes import wants_mono


@pytest.mark.parametrize(("term", "extra", "after"), [
    ("vt100", {}, "tuiphone-dark"),            # mono first: no colours at all
    ("xterm-256color", {}, "tuiphone-light"),  # the configured dark theme
    ("xterm-256color", {"NO_COLOR": "1"}, "tuiphone-dark"),
])
def test_theme_follows_the_terminal(tui: Callable[..., TmuxTui], term: str,
                                    extra: dict[str, str], after: str) -> None:
    env = [f"{k}={v}" for k, v in extra.items()]
    session = tui(["env", f"TERM={term}", *env, installed_tuiphone()])
    session.wait_for("the status bar", "engine: local")
    session.send_key("C-z")
    session.wait_for(f"the next theme, {after}", f"Theme: {after}")


def test_mono_rule() -> None:
    assert wants_mono(False, {"TERM": "vt100"})
    assert wants_mono(False, {"TERM": "dumb"})
    assert wants_mono(True, {"TERM": "xterm-256color"})
    assert not wants_mono(False, {"TERM": "xterm-256color"})
    assert not wants_mono(False, {"TERM": "xterm"})  # 8 colours: Textual maps onto them
    assert not wants_mono(False, {"TERM": "vt100", "COLORTERM": "truecolor"})
    assert not wants_mono(False, {"TERM": "no-such-terminal"})
    assert not wants_mono(False, {})
