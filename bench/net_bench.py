"""Networks: call setup to a far host against loopback, and re-registration after an
address change. Prints JSON lines. Needs root (network namespaces).

Usage: python bench/net_bench.py [--calls N] [--changes N]

  far_call_setup_ms   median Phone.call() -> CallChanged CONNECTED to a baresip on a
                      far host (Kamailio there too, reached over a veth), with the
                      loopback figure (the same setup on 127.0.0.1) as baseline, the
                      calls alternating far/loopback in one engine, one process
  register_after_address_change_s
                      median time from moving root's address on the far link (the
                      new one added, the old one deleted) to the 200 OK of the
                      REGISTER from the new address; target 5 s

Every server and namespace is stopped and removed at the end (the lab's own code).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lab.baresip import Baresip  # noqa: E402
from tests.lab.fixtures import _Stack  # noqa: E402
from tests.lab.kamailio import USERS, Kamailio  # noqa: E402
from tests.lab.net.lab import NetLab  # noqa: E402
from tuiphone.engine.phone import Phone  # noqa: E402
from tuiphone.engine.setup import EngineSetup  # noqa: E402
from tuiphone.model.account import AccountConfig, RegState  # noqa: E402
from tuiphone.model.call import CallState  # noqa: E402
from tuiphone.model.events import CallChanged, Event, RegistrationChanged  # noqa: E402
from tuiphone.sip import PjBackend  # noqa: E402


def emit(row: dict[str, Any]) -> None:
    print(json.dumps(row), flush=True)


def account(account_id: str, kam: Kamailio, user: str) -> AccountConfig:
    return AccountConfig(id=account_id, uri=kam.aor(user), registrar=kam.registrar_uri,
                         username=user, register_expires=300)


class Events:
    """One subscription; ``wait`` returns the first matching event (bounded)."""

    def __init__(self, phone: Phone) -> None:
        self._sub = phone.events()

    async def wait(self, match: Any, timeout_s: float = 30.0) -> Event:
        async def first() -> Event:
            async for event in self._sub:
                if match(event):
                    return event
            raise RuntimeError("the phone stopped")

        return await asyncio.wait_for(first(), timeout_s)


async def setup_ms(phone: Phone, events: Events, uri: str, account_id: str) -> float:
    started = time.perf_counter()
    call = await phone.call(uri, account_id=account_id)
    done = await events.wait(lambda e: isinstance(e, CallChanged) and e.call.id == call.id
                             and e.call.state in (CallState.CONNECTED, CallState.ENDED))
    if done.call.state is CallState.ENDED:  # type: ignore[union-attr]
        raise RuntimeError(f"call to {uri} failed: {done.call.code} {done.call.reason}")  # type: ignore[union-attr]
    elapsed = (time.perf_counter() - started) * 1000
    await phone.hangup(call.id)
    await events.wait(lambda e: isinstance(e, CallChanged) and e.call.id == call.id
                      and e.call.state is CallState.ENDED)
    return elapsed


async def registered(phone: Phone, events: Events, *ids: str) -> None:
    for account_id in ids:
        if not any(a.id == account_id and a.reg_state is RegState.REGISTERED
                   for a in phone.state().accounts):
            await events.wait(lambda e, i=account_id: isinstance(e, RegistrationChanged)
                              and e.account.id == i
                              and e.account.reg_state is RegState.REGISTERED)


async def measure(lab: NetLab, work: Path, stack: _Stack, calls: int, changes: int) -> None:
    far = lab.far(v6=False)
    kamailio, baresip = shutil.which("kamailio") or "kamailio", shutil.which("baresip") or ""
    far_kam = stack.push(Kamailio.launch(kamailio, work / "kam-far", host=far,
                                         address=far.v4))
    near_kam = stack.push(Kamailio.launch(kamailio, work / "kam-near"))
    for name, kam, host in (("far", far_kam, far), ("near", near_kam, None)):
        (work / f"bs-{name}").mkdir()
        stack.push(Baresip.launch(baresip, work / f"bs-{name}", None, "carol", host=host,
                                  registrar=(kam.host, kam.port)))
    setup = EngineSetup(accounts=(account("far", far_kam, "alice"),
                                  account("near", near_kam, "alice")),
                        passwords=lambda _id: USERS["alice"],
                        echo_line=False, routing=True)
    phone = Phone(setup, PjBackend())
    await phone.start()
    try:
        events = Events(phone)
        await registered(phone, events, "far", "near")
        far_ms, near_ms = [], []
        for _ in range(calls):
            far_ms.append(await setup_ms(phone, events, far_kam.aor("carol"), "far"))
            near_ms.append(await setup_ms(phone, events, near_kam.aor("carol"), "near"))
        far_med, near_med = statistics.median(far_ms), statistics.median(near_ms)
        emit({"name": "far_call_setup_ms", "value": round(far_med, 2), "unit": "ms",
              "baseline": round(near_med, 2), "baseline_name": "loopback_call_setup_ms",
              "ratio": round(far_med / near_med, 2), "target_ratio": 1.2, "n": calls})
        waits = []
        for _ in range(changes):
            started = time.perf_counter()
            new = lab.renumber_root_side(far)
            await events.wait(lambda e, a=new: isinstance(e, RegistrationChanged)
                              and e.account.id == "far"
                              and e.account.reg_state is RegState.REGISTERED
                              and f"@{a}:" in e.account.contact)
            waits.append(time.perf_counter() - started)
        emit({"name": "register_after_address_change_s",
              "value": round(statistics.median(waits), 3), "unit": "s", "target": 5.0,
              "max": round(max(waits), 3), "n": changes})
    finally:
        await phone.stop()


def main() -> int:
    if os.geteuid() != 0:
        emit({"name": "net_bench_skipped", "value": 0, "unit": "",
              "reason": "network namespaces need root"})
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=15)
    ap.add_argument("--changes", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tp-netbench-"))
    lab, stack = NetLab(work / "lab"), _Stack()
    try:
        asyncio.run(measure(lab, work, stack, args.calls, args.changes))
    finally:
        stack.close()
        lab.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
