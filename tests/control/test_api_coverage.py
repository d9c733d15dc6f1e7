"""The method table, RemotePhone and Phone all come from one declaration, PhoneApi."""

from __future__ import annotations

import inspect

import pytest

from tuiphone.control.methods import METHODS
from tuiphone.control.remote import RemotePhone
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.phone import Phone
from tuiphone.model.account import AccountState
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.errors import UsageError

API = sorted(n for n, v in vars(PhoneApi).items()
             if inspect.isfunction(v) and not n.startswith("_"))


@pytest.mark.parametrize("name", API)
def test_remote_phone_implements_the_method_with_the_same_parameters(name: str) -> None:
    ours = getattr(RemotePhone, name)
    assert name in vars(RemotePhone), "the Protocol's empty body would answer None"
    assert inspect.signature(ours) == inspect.signature(getattr(PhoneApi, name))
    assert inspect.iscoroutinefunction(ours) == inspect.iscoroutinefunction(
        getattr(PhoneApi, name))


@pytest.mark.parametrize("name", API)
def test_phone_implements_the_method_with_the_same_parameters(name: str) -> None:
    ours = inspect.signature(getattr(Phone, name))
    theirs = inspect.signature(getattr(PhoneApi, name))
    assert list(ours.parameters) == list(theirs.parameters)
    assert [p.default for p in ours.parameters.values()] == [
        p.default for p in theirs.parameters.values()]


def test_the_server_serves_every_method_but_the_event_stream() -> None:
    assert sorted(METHODS) == [n for n in API if n != "events"]
    assert METHODS["register"].returns is AccountState
    assert METHODS["hangup"].returns is None
    assert METHODS["call"].params["headers"] is not None
    assert not METHODS["state"].is_async


def test_arguments_travel_as_json_and_come_back_typed() -> None:
    method = METHODS["conference"]
    wire = method.encode_args(("c1", "c2"))
    assert wire == {"call_ids": ["c1", "c2"]}
    assert method.decode_args(wire) == {"call_ids": ("c1", "c2")}
    assert METHODS["register"].encode_args("work") == {"account_id": "work",
                                                       "timeout_s": None}
    placed = METHODS["call"].decode_result(
        {"id": "c1", "account_id": "a", "direction": "outgoing", "remote_uri": "sip:x@y",
         "state": "calling"})
    assert isinstance(placed, CallInfo)
    assert placed.state is CallState.CALLING


def test_bad_arguments_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unexpected keyword"):
        METHODS["hangup"].decode_args({"bogus": 1})
    with pytest.raises(TypeError):
        METHODS["hangup"].encode_args(bogus=1)
