"""A tiny pjsua2 stack for the BLF driver: one Endpoint owned by a "pjsip" thread.

Only used inside driver subprocesses (one Endpoint per process). Everything here runs
on the pjsip thread; ``pump_until`` waits on conditions, never on sleeps.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pjsua2 as pj


class Acc(pj.Account):
    """Registers (if given a registrar) and keeps every incoming call."""

    def __init__(self) -> None:
        super().__init__()
        self.reg_code = 0
        self.calls: list[Call] = []

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.reg_code = int(prm.code)

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.calls.append(Call(self, prm.callId))


class Call(pj.Call):
    def __init__(self, acc: pj.Account, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(acc, call_id)
        self.state = pj.PJSIP_INV_STATE_NULL

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self.state = self.getInfo().state


class Stack:
    def __init__(self) -> None:
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.logConfig.level = 0
        cfg.logConfig.consoleLevel = 0
        cfg.medConfig.hasIoqueue = False
        self.ep.libInit(cfg)
        tcfg = pj.TransportConfig()
        tcfg.boundAddress = "127.0.0.1"
        tid = self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        self.port = int(str(self.ep.transportGetInfo(tid).localName).rsplit(":", 1)[1])
        self.ep.libStart()
        self.ep.audDevManager().setNullDev()
        self.accounts: list[Acc] = []
        self.tick: Callable[[], object] = lambda: None

    def account(self, user: str, registrar_port: int | None) -> Acc:
        cfg = pj.AccountConfig()
        host = f"127.0.0.1:{registrar_port}" if registrar_port else f"127.0.0.1:{self.port}"
        cfg.idUri = f"sip:{user}@{host}"
        if registrar_port:
            cfg.regConfig.registrarUri = f"sip:{host}"
        acc = Acc()
        acc.create(cfg)
        self.accounts.append(acc)
        return acc

    def pump_until(self, cond: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while not cond():
            if time.monotonic() > deadline:
                return False
            self.ep.libHandleEvents(10)
            self.tick()
        return True

    def destroy(self) -> None:
        for acc in self.accounts:
            acc.calls.clear()
        self.accounts.clear()
        gc.collect()
        self.ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
