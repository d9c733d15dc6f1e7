"""Hostile keymaps through the app: whatever ``[keymap]`` holds once the config reader
took it (non-empty strings under any id), the TUI starts, still takes keys, and names the
ids that are no action and the values that are no key in notices; it never crashes."""

from __future__ import annotations

import asyncio

from hypothesis import example, given
from hypothesis import strategies as st

from tests.support.fuzz import fuzz
from tests.ui.helpers import make_app, until
from tuiphone.ui.actions import ACTIONS
from tuiphone.ui.keynames import bad_keys

IDS = st.sampled_from([s.id for s in ACTIONS] + ["nonexistent.action", "", "call.", "ä"])
KEYS = st.one_of(
    st.sampled_from(["ctrl+", "f99", ",", ",,x", "ctrl+e,ctrl+e", "ctrl+alt+shift+meta+x",
                     "enter", "tab", "escape", "ctrl+q", "question_mark", " ", "\x07", "ü",
                     "ctrl+c", "f1,f1,f1", "a" * 200]),
    st.text(min_size=1, max_size=12))
KEYMAP = st.dictionaries(IDS, KEYS.filter(lambda k: k.strip()), max_size=6)


async def _start(keymap: dict[str, str]) -> None:
    app, phone = make_app(keymap=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press("tab")  # keys still reach the app
        await pilot.pause()
        unknown = sorted(k for k in keymap if k not in {s.id for s in ACTIONS})
        notes = [str(n.message) for n in app._notifications]
        if unknown:
            assert any("names no action" in n for n in notes), notes
        if bad_keys(keymap):  # a binding that could never fire is named, not silent
            assert any("no such key" in n for n in notes), notes
        assert app.is_running
    await phone.stop()


@fuzz(12)
@example({"call.hangup": "ctrl+", "nonexistent.action": "f99"})
@example({"call.answer": "ctrl+q", "app.quit": "\x07"})  # one key for two actions
@given(KEYMAP)
def test_hostile_keymaps_never_crash_the_tui(keymap: dict[str, str]) -> None:
    asyncio.run(_start(keymap))
