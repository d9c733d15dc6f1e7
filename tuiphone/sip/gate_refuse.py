"""Refusing an INVITE from inside ``onIncomingCall`` (the gate's fallback path).

pjsua has sent 100 Trying by then, so the answer must be a final response on the
call. A final answer from inside the callback ends and resets the call at once, and
pjsua2 then frees the INVITE's copy that the reset already freed (an assertion aborts
the process); a call left without a pjsua2 Call object is hung up by pjsua2 with 500.
So a bare Call object claims the call in the callback, answers 403 in a job right
after it, and is dropped, outside its callbacks, once the call has ended. Its events
never reach the engine: nothing rang.
Runs on the pjsip thread.
"""

from __future__ import annotations

from collections.abc import Callable

import pjsua2 as pj

from tuiphone.sip.guard import guarded


class RefusedCall(pj.Call):  # type: ignore[misc]
    def __init__(self, acc: pj.Account, pj_id: int, ended: Callable[[RefusedCall], None]
                 ) -> None:
        super().__init__(acc, pj_id)
        self._ended = ended

    @guarded
    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        try:
            over = int(self.getInfo().state) == pj.PJSIP_INV_STATE_DISCONNECTED
        except pj.Error:  # getInfo raises once the call is gone
            over = True
        if over:
            self._ended(self)


class Refuser:
    """Keeps each refused call's Python object until its call has ended."""

    def __init__(self, defer: Callable[[Callable[[], None]], None]) -> None:
        self._defer = defer
        self.calls: list[RefusedCall] = []

    def refuse(self, acc: pj.Account, pj_id: int, code: int) -> None:
        """From inside ``onIncomingCall``: the answer follows in a deferred job."""
        call = RefusedCall(acc, pj_id, self._ended)
        self.calls.append(call)
        self._defer(lambda: self._answer(call, code))

    def _answer(self, call: RefusedCall, code: int) -> None:
        op = pj.CallOpParam(True)
        op.statusCode = code
        try:
            call.answer(op)
        except pj.Error:  # the caller gave up meanwhile: the call is gone
            self._ended(call)

    def _ended(self, call: RefusedCall) -> None:
        self._defer(lambda: self._drop(call))

    def _drop(self, call: RefusedCall) -> None:
        if call in self.calls:
            self.calls.remove(call)

    def close(self) -> None:
        """Before libDestroy: no Call object may outlive it."""
        self.calls.clear()
