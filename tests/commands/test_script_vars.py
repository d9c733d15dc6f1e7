"""``set NAME = $(COMMAND).field`` and ``$NAME`` in ``run`` scripts (the pure parts)."""

from __future__ import annotations

import pytest

from tuiphone.commands.script_vars import SetLine, parse_set, pick, substitute
from tuiphone.model.errors import UsageError


def test_parse_set() -> None:
    assert parse_set("set CALL = $(call sip:a@b --json).call_id") == \
        SetLine("CALL", "call sip:a@b --json", ("call_id",))
    assert parse_set("set X=$(calls).0.remote_uri  # first call") == \
        SetLine("X", "calls", ("0", "remote_uri"))
    assert parse_set("status") is None
    with pytest.raises(UsageError, match="set NAME"):
        parse_set("set X = status")


def test_substitute_keeps_each_word_one_word() -> None:
    values = {"CALL": "c1", "TEXT": "two words --all"}
    assert substitute(["hangup", "$CALL"], values) == ["hangup", "c1"]
    assert substitute(["message", "sip:a@b", "say: ${TEXT}!"], values) == \
        ["message", "sip:a@b", "say: two words --all!"]
    assert substitute(["costs $$5 and $5"], values) == ["costs $5 and $5"]
    with pytest.raises(UsageError, match=r"\$NOPE is not set"):
        substitute(["$NOPE"], values)


def test_pick() -> None:
    result = {"call_id": "c1", "rx": {"packets": 5}, "list": [{"a": True}], "none": None}
    assert pick(result, ("call_id",), "f:1") == "c1"
    assert pick(result, ("rx", "packets"), "f:1") == "5"
    assert pick(result, ("list", "0", "a"), "f:1") == "true"
    assert pick(result, ("none",), "f:1") == ""
    assert pick(result, ("rx",), "f:1") == '{"packets": 5}'
    with pytest.raises(UsageError, match="f:1: no field 'tx' in the result"):
        pick(result, ("tx",), "f:1")
    with pytest.raises(UsageError, match="no field '9' in list"):
        pick(result, ("list", "9"), "f:1")
