"""Key names in [keymap]: every default binding is a key; typos are not."""

from __future__ import annotations

import pytest

from tuiphone.ui.actions import ACTIONS
from tuiphone.ui.keynames import bad_keys, is_key


def test_every_default_binding_is_a_key() -> None:
    assert [s.key for s in ACTIONS if not all(is_key(k) for k in s.key.split(","))] == []


@pytest.mark.parametrize("name", ["ctrl+e", "f24", "question_mark", "backslash", "ü",
                                  "ctrl+shift+up", "enter", "space", "a", "5"])
def test_keys(name: str) -> None:
    assert is_key(name)


@pytest.mark.parametrize("name", ["f99", "ctrl+", "", "hyperspace+x", "aaaa", "\x07", " "])
def test_not_keys(name: str) -> None:
    assert not is_key(name)


def test_bad_keys_names_the_action_and_value() -> None:
    assert bad_keys({"call.hangup": "f5,f99", "call.answer": "ctrl+a"}) == [
        "call.hangup: 'f5,f99'"]
