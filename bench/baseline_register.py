"""Baseline for cli_cold_register_s: plain pjsua2, register with digest, unregister, exit.

Usage: python bench/baseline_register.py REGISTRAR_HOSTPORT USER PASSWORD
Uses the lean settings and ``libDestroy(PJSUA_DESTROY_NO_NETWORK)``, as a careful
hand-written script would.
"""

from __future__ import annotations

import sys

import pjsua2 as pj


class Acc(pj.Account):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.code = 0

    def onRegState(self, prm: pj.OnRegStateParam) -> None:  # noqa: N802 - pjsua2 API
        self.code = prm.code


def main(hostport: str, user: str, password: str) -> int:
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.medConfig.hasIoqueue = False
    cfg.medConfig.threadCnt = 0
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    ep.libInit(cfg)
    tcfg = pj.TransportConfig()
    tcfg.boundAddress = "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
    ep.libStart()
    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:{user}@127.0.0.1"
    acfg.regConfig.registrarUri = f"sip:{hostport}"
    acfg.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", user, 0, password))
    acc = Acc()
    acc.create(acfg)
    while acc.code == 0:
        ep.libHandleEvents(10)
    ok = acc.code == 200
    acc.code = 0
    acc.setRegistration(False)
    while acc.code == 0:
        ep.libHandleEvents(10)
    del acc
    ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
