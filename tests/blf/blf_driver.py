"""Subprocess driver for the BLF tests: ``python -m tests.blf.blf_driver SCENARIO [ARG]``.

pjsua2 allows one Endpoint per process and aborts on teardown mistakes, so each test
runs its scenario here, on a dedicated "pjsip" thread, and reads JSON lines from stdout
(pjsua's own console output is sent to stderr). Exit code 0 means the scenario and
the teardown both completed.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from tests.blf.pjharness import Call, Stack
from tuiphone.model.errors import BackendError, InvalidUri, LimitExceeded
from tuiphone.model.lamp import Lamp, LampState
from tuiphone.sip.blf import native
from tuiphone.sip.blf.hook import HookLayout, locate_slot
from tuiphone.sip.blf.watcher import MAX_BLF, BlfWatcher

OUT = os.fdopen(os.dup(1), "w", buffering=1)
FORGED = HookLayout(evsub_delta=24)  # deliberately wrong: must downgrade to polling


def emit(**fields: Any) -> None:
    OUT.write(json.dumps(fields) + "\n")


def lamp_json(lamp: Lamp) -> dict[str, Any]:
    return {"uri": lamp.uri, "state": lamp.state.value, "direction": lamp.direction.value,
            "remote": lamp.remote, "code": lamp.code, "reason": lamp.reason,
            "since": lamp.since, "dialogs": len(lamp.dialogs), "t": time.monotonic()}


def watcher(stack: Stack, acc: pj.Account, forged: bool) -> BlfWatcher:
    w = BlfWatcher(stack.ep, acc, lambda lamp: emit(lamp=lamp_json(lamp)),
                   layout=FORGED if forged else None)
    check = w.self_check()
    emit(self_check={"ok": check.ok, "mode": check.mode, "detail": check.detail,
                     "full_body": check.full_body})
    stack.tick = w.poll
    return w


def is_state(w: BlfWatcher, uri: str, *states: LampState) -> Callable[[], bool]:
    return lambda: uri in w.lamps() and w.lamps()[uri].state in states


def off_thread(w: BlfWatcher) -> None:
    try:
        w.subscribe("sip:x@127.0.0.1")
    except BackendError as err:
        emit(wrong_thread=str(err))


def scenario_selfcheck(stack: Stack, arg: str) -> None:
    """Self-check, then a SUBSCRIBE to our own UA, which refuses Event: dialog."""
    acc = stack.account("carol", None)
    w = watcher(stack, acc, forged=arg == "forged")
    try:
        w.subscribe("not a uri")
    except InvalidUri as err:
        emit(invalid_uri=str(err))
    elsewhere = threading.Thread(target=lambda: off_thread(w))
    elsewhere.start()
    elsewhere.join()
    target = f"sip:nobody@127.0.0.1:{stack.port}"
    w.subscribe(target)
    emit(reached=stack.pump_until(is_state(w, target, LampState.FAILED), 10))
    anchor = locate_slot(HookLayout())
    slots = [HookLayout().dlg_delta, HookLayout().evsub_dlg_delta]
    emit(slots_before_close=[ctypes.c_void_p.from_address(anchor + d).value for d in slots])
    w.close()
    emit(slots_after_close=[ctypes.c_void_p.from_address(anchor + d).value for d in slots])


def fill_buddies(acc: pj.Account, count: int) -> list[pj.Buddy]:
    """Create ``count`` plain buddies, reporting each success before the next try."""
    raw: list[pj.Buddy] = []
    for i in range(count):
        cfg = pj.BuddyConfig()
        cfg.uri = f"sip:b{i}@127.0.0.1"
        b = pj.Buddy()
        b.create(acc, cfg)
        raw.append(b)
        emit(buddies=len(raw))
    return raw


def scenario_limit(stack: Stack, arg: str) -> None:
    """pjsua takes PJSUA_MAX_BUDDIES buddies; the watcher refuses before that."""
    acc = stack.account("carol", None)
    raw = fill_buddies(acc, native.MAX_BUDDIES)
    emit(left_when_full=native.buddies_left())
    del raw[MAX_BLF - 5:]
    w = watcher(stack, acc, forged=False)
    ok = 0
    try:
        for i in range(10):
            w.subscribe(f"sip:w{i}@127.0.0.1:9")
            ok += 1
    except LimitExceeded as err:
        emit(watcher_ok=ok, buddy_count=native.buddy_count(), limit=str(err))
    w.close()
    raw.clear()


def scenario_overflow(stack: Stack, arg: str) -> None:
    """One buddy past PJSUA_MAX_BUDDIES: this wheel asserts and aborts the process."""
    fill_buddies(stack.account("carol", None), native.MAX_BUDDIES + 1)


def scenario_call(stack: Stack, arg: str) -> None:
    """carol watches alice and bob (and ``forbidden``) while alice calls bob."""
    port = int(arg.split(",")[0])
    alice, bob, carol = (stack.account(u, port) for u in ("alice", "bob", "carol"))
    registered = lambda: all(x.reg_code == 200 for x in (alice, bob, carol))  # noqa: E731
    emit(registered=stack.pump_until(registered, 10))
    w = watcher(stack, carol, forged="forged" in arg)
    a, b, f = (f"sip:{u}@127.0.0.1:{port}" for u in ("alice", "bob", "forbidden"))
    for uri in (a, b, f):
        w.subscribe(uri)
    for uri, state in ((a, LampState.IDLE), (b, LampState.IDLE), (f, LampState.FAILED)):
        emit(step=f"{uri} {state.value}", ok=stack.pump_until(is_state(w, uri, state), 10))
    call = Call(alice)
    call.makeCall(b, pj.CallOpParam(True))
    emit(step="bob rings", ok=stack.pump_until(lambda: bool(bob.calls), 10))
    answer(bob.calls[0], 180)
    both = lambda s: lambda: is_state(w, a, s)() and is_state(w, b, s)()  # noqa: E731
    emit(step="both ringing", ok=stack.pump_until(both(LampState.RINGING), 10))
    answer(bob.calls[0], 200)
    emit(step="both busy", ok=stack.pump_until(both(LampState.BUSY), 10))
    call.hangup(pj.CallOpParam(True))
    emit(step="both idle", ok=stack.pump_until(both(LampState.IDLE), 10))
    # Re-subscribing now gets the ended call's stale "terminated" dialog first.
    w.unsubscribe(a)
    w.subscribe(a)
    emit(step="alice idle again", ok=stack.pump_until(is_state(w, a, LampState.IDLE), 10))
    w.close()
    del call


def scenario_twocalls(stack: Stack, arg: str) -> None:
    """alice talks to bob while dave's call rings at alice: two dialogs in one NOTIFY."""
    port = int(arg)
    alice, bob, carol, dave = (stack.account(u, port) for u in ("alice", "bob", "carol", "dave"))
    emit(registered=stack.pump_until(lambda: all(a.reg_code == 200 for a in stack.accounts), 10))
    w = watcher(stack, carol, forged=False)
    a = f"sip:alice@127.0.0.1:{port}"
    w.subscribe(a)
    emit(step="idle", ok=stack.pump_until(is_state(w, a, LampState.IDLE), 10))
    first, second = Call(alice), Call(dave)
    first.makeCall(f"sip:bob@127.0.0.1:{port}", pj.CallOpParam(True))
    emit(step="bob rings", ok=stack.pump_until(lambda: bool(bob.calls), 10))
    answer(bob.calls[0], 200)
    emit(step="busy", ok=stack.pump_until(is_state(w, a, LampState.BUSY), 10))
    second.makeCall(a, pj.CallOpParam(True))
    emit(step="alice rings", ok=stack.pump_until(lambda: bool(alice.calls), 10))
    answer(alice.calls[0], 180)
    emit(step="two dialogs", ok=stack.pump_until(lambda: len(w.lamps()[a].dialogs) == 2, 10))
    emit(two=lamp_json(w.lamps()[a]))
    first.hangup(pj.CallOpParam(True))
    second.hangup(pj.CallOpParam(True))
    emit(step="idle again", ok=stack.pump_until(is_state(w, a, LampState.IDLE), 10))
    w.close()
    del first, second


def answer(call: Call, code: int) -> None:
    prm = pj.CallOpParam(True)
    prm.statusCode = code
    call.answer(prm)


SCENARIOS = {
    "selfcheck": scenario_selfcheck,
    "limit": scenario_limit,
    "overflow": scenario_overflow,
    "call": scenario_call,
    "twocalls": scenario_twocalls,
}


def main() -> int:
    name, arg = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    os.dup2(2, 1)  # libCreate's banner and pjsua logs must not mix with JSON
    failure: list[BaseException] = []

    def run() -> None:
        try:
            stack = Stack()
            try:
                SCENARIOS[name](stack, arg)
            finally:
                stack.destroy()
            emit(done=True)
        except BaseException as err:
            failure.append(err)
            emit(error=repr(err))

    thread = threading.Thread(target=run, name="pjsip")
    thread.start()
    thread.join()
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
