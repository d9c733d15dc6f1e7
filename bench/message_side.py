"""One sender for bench/message_bench.py, in its own process (one pjsua2 Endpoint each).

    python bench/message_side.py tuiphone|plain HOST PORT USER TO COUNT DB PREFIX

Registers USER at Kamailio HOST:PORT (digest auth), then sends COUNT MESSAGEs to TO
(bodies "PREFIX n") and prints one JSON line {"side", "seconds", "ok", "failed"}: the
time from the first send to the last final response, every one a 2xx when ``failed``
is 0.

tuiphone: the engine (Phone over PjBackend, a fresh database DB): ``send_message``
COUNT times, each stored QUEUED and sent by the outbox; done when COUNT MessageStatus
events are final. plain: bare pjsua2, one Buddy, ``sendInstantMessage`` COUNT times
from the pjsip thread; done when COUNT ``onInstantMessageStatus`` came. Same settings
both sides: one thread (threadCnt 0), UDP on 127.0.0.1, no media.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lab.kamailio import USERS  # noqa: E402

TIMEOUT_S = 120.0


def report(side: str, seconds: float, ok: int, failed: int) -> None:
    print(json.dumps({"side": side, "seconds": round(seconds, 4), "ok": ok,
                      "failed": failed}), flush=True)


async def tuiphone(host: str, port: int, user: str, to: str, count: int, db: str,
                   prefix: str) -> None:
    from tuiphone.engine.phone import Phone
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.model.account import AccountConfig, RegState
    from tuiphone.model.events import MessageStatus
    from tuiphone.sip import PjBackend

    account = AccountConfig(
        id=user, uri=f"sip:{user}@{host}", registrar=f"sip:{host}:{port}",
        proxy=(f"sip:{host}:{port};lr",), username=user)
    setup = EngineSetup(accounts=(account,), passwords=USERS.get, echo_line=False,
                        db_path=Path(db))
    phone = Phone(setup, PjBackend())
    events = phone.events()
    await phone.start()
    try:
        await phone.register(user, timeout_s=20)
        if phone.state().accounts[0].reg_state is not RegState.REGISTERED:
            raise SystemExit("not registered")
        ok = failed = 0
        t0 = time.perf_counter()
        for n in range(count):
            await phone.send_message(to, f"{prefix} {n}", account_id=user)
        async with asyncio.timeout(TIMEOUT_S):
            async for ev in events:
                if isinstance(ev, MessageStatus) and not ev.message.delivery.pending:
                    ok += ev.message.code // 100 == 2
                    failed += ev.message.code // 100 != 2
                    if ok + failed == count:
                        break
        report("tuiphone", time.perf_counter() - t0, ok, failed)
    finally:
        await phone.stop()


def plain(host: str, port: int, user: str, to: str, count: int, prefix: str) -> None:
    import pjsua2 as pj

    done = {"ok": 0, "failed": 0, "reg": 0}

    class Acc(pj.Account):  # type: ignore[misc]
        def onRegState(self, prm: pj.OnRegStateParam) -> None:  # noqa: N802
            done["reg"] = int(prm.code)

        def onInstantMessageStatus(self, prm: pj.OnInstantMessageStatusParam) -> None:  # noqa: N802
            done["ok" if int(prm.code) // 100 == 2 else "failed"] += 1

    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.logConfig.level = cfg.logConfig.consoleLevel = 1
    cfg.medConfig.hasIoqueue = False
    cfg.medConfig.threadCnt = 0
    ep.libInit(cfg)
    tc = pj.TransportConfig()
    tc.boundAddress = "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
    ep.libStart()
    ep.audDevManager().setNullDev()
    ac = pj.AccountConfig()
    ac.idUri = f"sip:{user}@{host}"
    ac.regConfig.registrarUri = f"sip:{host}:{port}"
    ac.sipConfig.proxies.append(f"sip:{host}:{port};lr")
    ac.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", user, 0, USERS[user]))
    acc = Acc()
    acc.create(ac)
    end = time.monotonic() + 20
    while done["reg"] == 0 and time.monotonic() < end:
        ep.libHandleEvents(10)
    if done["reg"] // 100 != 2:
        raise SystemExit(f"not registered: {done['reg']}")
    bcfg = pj.BuddyConfig()
    bcfg.uri = to
    bcfg.subscribe = False
    buddy = pj.Buddy()
    buddy.create(acc, bcfg)
    t0 = time.perf_counter()
    for n in range(count):
        prm = pj.SendInstantMessageParam()
        prm.content = f"{prefix} {n}"
        prm.contentType = "text/plain"
        buddy.sendInstantMessage(prm)
    end = time.monotonic() + TIMEOUT_S
    while done["ok"] + done["failed"] < count and time.monotonic() < end:
        ep.libHandleEvents(10)
    report("plain", time.perf_counter() - t0, done["ok"], done["failed"])
    del buddy
    acc.shutdown()
    ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)


def main() -> None:
    side, host, port, user, to, count, db, prefix = sys.argv[1:9]
    if side == "tuiphone":
        asyncio.run(tuiphone(host, int(port), user, to, int(count), db, prefix))
    else:
        plain(host, int(port), user, to, int(count), prefix)


if __name__ == "__main__":
    main()
