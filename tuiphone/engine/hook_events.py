"""Which hook event an engine event is, and the fields it carries (all strings).

Stateful where the engine's events are not one-to-one with hook events: a call is
``missed`` or ``call_ended`` once, on its first ENDED snapshot; registration is ``ok``
on the way into REGISTERED and ``lost`` on the way out of it.
"""

from __future__ import annotations

from tuiphone.model.account import AccountState, RegState
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.events import (
    CallChanged,
    Event,
    IncomingCall,
    LampChanged,
    MessageReceived,
    RegistrationChanged,
)
from tuiphone.model.hooks import HookEvent

Fields = dict[str, str]


class HookEvents:
    def __init__(self) -> None:
        self._rang: set[str] = set()
        self._ended: set[str] = set()
        self._registered: dict[str, bool] = {}

    def of(self, event: Event) -> list[tuple[HookEvent, Fields]]:
        if isinstance(event, IncomingCall) and not event.call.screened:
            self._rang.add(event.call.id)
            return [(HookEvent.INCOMING, _call(event.call))]
        if isinstance(event, CallChanged) and event.call.state is CallState.ENDED:
            return self._ended_call(event.call)
        if isinstance(event, MessageReceived):
            m = event.message
            return [(HookEvent.MESSAGE, {"account": m.account_id, "message_id": m.id,
                                         "peer": m.peer, "text": m.body,
                                         "content_type": m.content_type})]
        if isinstance(event, RegistrationChanged):
            return self._registration(event.account)
        if isinstance(event, LampChanged):
            lamp = event.lamp
            return [(HookEvent.LAMP, {"uri": lamp.uri, "state": lamp.state.value,
                                      "remote": lamp.remote})]
        return []

    def _ended_call(self, call: CallInfo) -> list[tuple[HookEvent, Fields]]:
        if call.id in self._ended:
            return []
        self._ended.add(call.id)
        fields = {**_call(call), "code": str(call.code), "reason": call.reason,
                  "duration_s": _duration(call)}
        out = [(HookEvent.CALL_ENDED, fields)]
        if call.id in self._rang and call.answered is None:
            out.insert(0, (HookEvent.MISSED, fields))
        self._rang.discard(call.id)
        return out

    def _registration(self, acc: AccountState) -> list[tuple[HookEvent, Fields]]:
        was = self._registered.get(acc.id, False)
        now = acc.reg_state is RegState.REGISTERED
        self._registered[acc.id] = now
        fields = {"account": acc.id, "uri": acc.uri, "state": acc.reg_state.value,
                  "code": str(acc.code), "reason": acc.reason}
        if now and not was:
            return [(HookEvent.REGISTRATION_OK, fields)]
        if was and acc.reg_state in (RegState.FAILED, RegState.UNREGISTERED):
            return [(HookEvent.REGISTRATION_LOST, fields)]
        return []


def _call(call: CallInfo) -> Fields:
    fields = {"call_id": call.id, "account": call.account_id,
              "direction": call.direction.value, "peer": call.remote_uri,
              "peer_name": call.remote_name}
    # the other party, under the name a notification for a ringing call wants
    fields["caller"] = call.remote_uri if call.direction is Direction.INCOMING else ""
    fields["caller_name"] = call.remote_name if call.direction is Direction.INCOMING else ""
    return fields


def _duration(call: CallInfo) -> str:
    if call.answered is None:
        return "0"
    return f"{max(0.0, (call.ended or call.answered) - call.answered):.1f}"
