"""Every event and result type survives JSON and back."""

from __future__ import annotations

import json

import pytest

from tuiphone.control import wire
from tuiphone.engine.api import MwiState, PhoneState
from tuiphone.model import errors
from tuiphone.model.account import AccountState, RegState
from tuiphone.model.call import CallInfo, CallState, Direction, MediaState
from tuiphone.model.codec import event_from_jsonable, event_to_jsonable, from_jsonable
from tuiphone.model.events import (
    CallChanged,
    DtmfReceived,
    IncomingCall,
    MessageReceived,
    MessageStatus,
    MwiChanged,
    Notice,
    RegistrationChanged,
    SipTrace,
    TransferStatus,
)
from tuiphone.model.message import Delivery, Message
from tuiphone.model.trace import TraceEntry

CALL = CallInfo("c1", "local", Direction.INCOMING, "sip:a@b", CallState.RINGING,
                media=MediaState.ACTIVE, answered=None, headers=(("X-A", "1"),))
MSG = Message("m1", "local", "in", "sip:a@b", "hi", "text/plain", 1.5, Delivery.RECEIVED)
EVENTS = [
    RegistrationChanged(AccountState("a", "sip:a@b", RegState.REGISTERED, 200, "OK", 300)),
    CallChanged(CALL), IncomingCall(CALL), DtmfReceived("c1", "#"),
    MessageReceived(MSG), MessageStatus(MSG), MwiChanged("a", True, 2, 1),
    TransferStatus("c1", 200, "OK", True), SipTrace(TraceEntry(1.0, "rx", "UDP", "1.2.3.4:5060",
                                                               "OPTIONS sip:x SIP/2.0\r\n")),
    Notice("info", "hello"),
    MessageReceived(Message("m2", "local", "in", "sip:a@b", "\ufffd\ufffd", "text/plain", 2.0,
                            Delivery.RECEIVED, raw=b"\xff\xfe")),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.kind)
def test_event_round_trip(event):
    data = json.loads(json.dumps(event_to_jsonable(event)))
    assert data["event"] == event.kind
    assert event_from_jsonable(data) == event


def test_state_round_trip():
    state = PhoneState(accounts=(EVENTS[0].account,), calls=(CALL,),
                       mwi=(MwiState("a", True, 1, 0),), default_account="a")
    data = json.loads(json.dumps(event_to_jsonable(CallChanged(CALL))))
    assert data["call"]["headers"] == [["X-A", "1"]]
    from tuiphone.model.codec import to_jsonable

    assert from_jsonable(PhoneState, json.loads(json.dumps(to_jsonable(state)))) == state


@pytest.mark.parametrize("err", [
    errors.SipError(486, "Busy Here"), errors.Timeout("slow"), errors.NetworkError("dns"),
    errors.NotFound("c9"), errors.InvalidUri("x"), errors.LimitExceeded("4"),
])
def test_errors_round_trip(err):
    back = wire.error_from_body(json.loads(json.dumps(wire.error_body(err))))
    assert type(back) is type(err)
    assert str(back) == str(err)


def test_foreign_exceptions_become_backend_errors():
    back = wire.error_from_body(wire.error_body(RuntimeError("boom")))
    assert isinstance(back, errors.BackendError)
    assert "boom" in str(back)


def test_command_layer_errors_arrive_as_their_model_base_with_the_report():
    from tuiphone.commands.errors import CallRefused, Unsupported

    back = wire.error_from_body(json.loads(json.dumps(
        wire.error_body(CallRefused(404, "Not Found", {"status_code": 404})))))
    assert isinstance(back, errors.SipError)
    assert back.code == 404
    assert back.result == {"status_code": 404}
    assert type(wire.error_from_body(wire.error_body(Unsupported("x")))) is errors.UsageError


def test_bytes_travel_as_base64_and_only_when_set():
    raw = event_to_jsonable(EVENTS[-1])["message"]
    assert raw["raw"] == "//4="
    assert "raw" not in event_to_jsonable(MessageReceived(MSG))["message"]
    with pytest.raises(ValueError, match="base64"):
        from_jsonable(Message, {**raw, "raw": "not base64!"})
