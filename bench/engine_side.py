"""The tuiphone side of bench/engine_bench.py: Phone over PjBackend in its own process.

Same modes and stdout protocol as bench/baseline_pjsua2.py (setup, idle, call,
and callee: an auto_answer account, used only to check the engine as the callee),
driven only through the public Phone API. The account prefers G722/16000
(``codecs``); VAD is off by default (MediaSettings.vad=False); the echo line is
off so both sides have one account.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tuiphone.engine.phone import Phone  # noqa: E402
from tuiphone.engine.setup import EngineSetup  # noqa: E402
from tuiphone.model.account import AccountConfig, RegState  # noqa: E402
from tuiphone.model.call import CallState  # noqa: E402
from tuiphone.model.errors import TuiphoneError  # noqa: E402
from tuiphone.model.events import CallChanged  # noqa: E402
from tuiphone.sip import PjBackend  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def thread_names() -> dict[str, str]:
    """Python's names of this process's threads by native id (the kernel calls them all
    "python"): the loop is "MainThread", the pjsua2 thread "pjsip"."""
    return {str(t.native_id): t.name for t in threading.enumerate() if t.native_id}


async def registered(phone: Phone, account_id: str, timeout_s: float = 10.0) -> None:
    """Poll the snapshot (only before any measurement starts)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        for acc in phone.state().accounts:
            if acc.id == account_id and acc.reg_state is RegState.REGISTERED:
                return
            if acc.id == account_id and acc.reg_state is RegState.FAILED:
                raise SystemExit(f"registration failed: {acc.code} {acc.reason}")
        await asyncio.sleep(0.01)
    raise SystemExit("registration timed out")


STAMPS: dict[str, float] = {}  # perf_counter on the pjsip thread, for the last call


def stamp_pjsip_side() -> None:
    """Record, for each call, when the pjsip thread starts makeCall and when pjsua reports
    the call confirmed (before our callback's own work): the span between them is what
    the plain pjsua2 baseline measures; the rest of ``dial`` is the hand-offs between the
    asyncio loop and the pjsip thread plus our Python around them."""
    from tuiphone.model.call import CallState
    from tuiphone.sip import call as sip_call
    from tuiphone.sip import calls as sip_calls

    dial_orig = sip_calls.CallRegistry._dial
    state_orig = sip_call.PjCall.onCallState

    def _dial(self, call, uri, op):  # type: ignore[no-untyped-def]
        STAMPS["make"] = time.perf_counter()
        return dial_orig(self, call, uri, op)

    def on_state(self, prm):  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        state_orig(self, prm)
        if self.info.state is CallState.CONNECTED and "confirmed" not in STAMPS:
            STAMPS["confirmed"] = now

    sip_calls.CallRegistry._dial = _dial  # type: ignore[method-assign]
    sip_call.PjCall.onCallState = on_state  # type: ignore[method-assign]


async def dial(phone: Phone, target: str) -> tuple[str, float]:
    """Phone.call() -> CallChanged CONNECTED for that call; returns (call id, ms)."""
    sub = phone.events()
    STAMPS.clear()
    t0 = time.perf_counter()
    info = await phone.call(target)
    async for ev in sub:
        if isinstance(ev, CallChanged) and ev.call.id == info.id:
            if ev.call.state is CallState.CONNECTED:
                t1 = time.perf_counter()
                ms = (t1 - t0) * 1000
                if {"make", "confirmed"} <= STAMPS.keys():
                    STAMPS.update(start=t0, event=t1)
                break
            if ev.call.state is CallState.ENDED:
                raise SystemExit(f"call ended: {ev.call.code} {ev.call.reason}")
    await sub.aclose()
    return info.id, ms


async def hangup(phone: Phone, call_id: str) -> None:
    fut = phone.bus.waiter(
        lambda e: (
            isinstance(e, CallChanged) and e.call.id == call_id and e.call.state is CallState.ENDED
        )
    )
    await phone.hangup(call_id)
    await asyncio.wait_for(fut, 5)
    await phone.backend.sync()  # type: ignore[attr-defined]  # the deferred discard ran


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("setup", "idle", "call", "callee"))
    ap.add_argument("--registrar", required=True, help="host:port")
    ap.add_argument("--user", required=True)
    ap.add_argument("--target", default="")
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()
    acc = AccountConfig(
        id=args.user,
        uri=f"sip:{args.user}@127.0.0.1",
        registrar=f"sip:{args.registrar}",
        proxy=(f"sip:{args.registrar};lr",),
        codecs=("G722/16000",),
        register_expires=300,
        auto_answer=args.mode == "callee",
    )
    if args.mode == "setup":
        stamp_pjsip_side()
    phone = Phone(EngineSetup(accounts=(acc,), echo_line=False), PjBackend())
    await phone.start()
    try:
        await registered(phone, acc.id)
        say("REGISTERED")
        if args.mode == "setup":
            for _ in range(args.calls):
                line = await asyncio.to_thread(sys.stdin.readline)  # the driver alternates
                if line.strip() != "go":
                    break  # "quit" or EOF
                call_id, ms = await dial(phone, args.target)
                split = dict(STAMPS)
                await hangup(phone, call_id)
                if {"start", "make", "confirmed", "event"} <= split.keys():
                    say(f"SAMPLE {ms:.3f} in={1000 * (split['make'] - split['start']):.3f} "
                        f"pj={1000 * (split['confirmed'] - split['make']):.3f} "
                        f"out={1000 * (split['event'] - split['confirmed']):.3f}")
                else:
                    say(f"SAMPLE {ms:.3f}")
            return
        call_id = ""
        if args.mode == "call":
            call_id, ms = await dial(phone, args.target)
            say(f"CONFIRMED {ms:.3f}")
        while (await asyncio.to_thread(sys.stdin.readline)).strip() not in ("quit", ""):
            pass
        if call_id:
            try:
                stats = await phone.call_stats(call_id)
            except TuiphoneError as err:  # the call ended early
                say(json.dumps({"error": str(err)}))
                return
            say(
                json.dumps(
                    {
                        "codec": f"{stats.codec}/{stats.clock_rate}",
                        "rx_packets": stats.rx_packets,
                        "tx_packets": stats.tx_packets,
                        "threads": len(os.listdir("/proc/self/task")),
                        "thread_names": thread_names(),
                    }
                )
            )
    finally:
        await phone.stop()


if __name__ == "__main__":
    asyncio.run(main())
