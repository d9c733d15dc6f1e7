"""PjAccount: a pjsua2 Account whose callbacks become model events.

Runs on the pjsip thread. ``build_config`` maps our AccountConfig to pjsua2's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.account import AccountConfig, AccountState, RegState, SrtpMode, Transport
from tuiphone.sip.callinfo import split_name_addr
from tuiphone.sip.guard import guarded
from tuiphone.sip.mwi import parse_mwi

if TYPE_CHECKING:
    from tuiphone.sip.core import Core

_SRTP = {
    SrtpMode.OFF: pj.PJMEDIA_SRTP_DISABLED,
    SrtpMode.OPTIONAL: pj.PJMEDIA_SRTP_OPTIONAL,
    SrtpMode.MANDATORY: pj.PJMEDIA_SRTP_MANDATORY,
}


class PjAccount(pj.Account):  # type: ignore[misc]
    def __init__(self, core: Core, config: AccountConfig) -> None:
        super().__init__()
        self.core = core
        self.config = config
        self.contact = ""

    def state(
        self, reg: RegState, code: int = 0, reason: str = "", expires: int = 0
    ) -> AccountState:
        return AccountState(
            self.config.id, self.config.uri, reg, code, reason, expires, self.contact
        )

    @guarded
    def onRegStarted(self, prm: pj.OnRegStartedParam) -> None:
        if prm.renew:  # un-REGISTER ends in onRegState as UNREGISTERED
            self.core.registration(self.state(RegState.REGISTERING))

    @guarded
    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        code, reason, expires = int(prm.code), str(prm.reason), int(prm.expiration)
        if 200 <= code < 300:
            reg = RegState.REGISTERED if expires > 0 else RegState.UNREGISTERED
        else:
            reg, expires = RegState.FAILED, 0
            if code == 0 and prm.status:
                reason = self.core.stack.ep.utilStrError(int(prm.status))
        self.core.registration(self.state(reg, code, reason, expires))

    @guarded
    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.core.calls.incoming(self, int(prm.callId), str(prm.rdata.wholeMsg))

    @guarded
    def onInstantMessage(self, prm: pj.OnInstantMessageParam) -> None:
        self.core.pager.received(self, prm)

    @guarded
    def onInstantMessageStatus(self, prm: pj.OnInstantMessageStatusParam) -> None:
        self.core.pager.status(self, prm)

    @guarded
    def onMwiInfo(self, prm: pj.OnMwiInfoParam) -> None:
        try:
            body = str(prm.rdata.wholeMsg)
        except Exception:
            return
        waiting, new, old = parse_mwi(body)
        self.core.mwi(self.config.id, waiting, new, old)

    @guarded
    def onSendRequest(self, prm: pj.OnSendRequestParam) -> None:
        self.core.pinger.on_response(self, prm)


def build_config(
    cfg: AccountConfig, password: str | None, transport_id: int, bind: str
) -> pj.AccountConfig:
    """pjsua2 AccountConfig for ``cfg``. ``transport_id`` -1 leaves the choice to pjsua."""
    ac = pj.AccountConfig()
    ac.idUri = cfg.uri
    ac.priority = 0
    _registration(ac, cfg)
    _sip(ac, cfg, password, transport_id)
    _media(ac, cfg)
    ac.mediaConfig.transportConfig.boundAddress = bind
    ac.mwiConfig.enabled = cfg.features.mwi
    ac.presConfig.publishEnabled = cfg.features.presence  # privacy: off unless asked
    return ac


def _registration(ac: pj.AccountConfig, cfg: AccountConfig) -> None:
    rc = ac.regConfig
    rc.registerOnAdd = cfg.registers
    if cfg.registrar is not None:
        rc.registrarUri = cfg.registrar
    rc.timeoutSec = cfg.register_expires
    # The engine owns retries (tuiphone.engine.registration: growing back-off);
    # pjsua's own fixed-interval retry would double the REGISTERs.
    rc.retryIntervalSec = 0
    rc.firstRetryIntervalSec = 0
    rc.unregWaitMsec = 2000


def _sip(ac: pj.AccountConfig, cfg: AccountConfig, password: str | None, transport_id: int) -> None:
    sc = ac.sipConfig
    for proxy in cfg.proxy:
        sc.proxies.append(proxy)
    if password is not None or cfg.username:
        user = cfg.username or user_part(cfg.uri)
        sc.authCreds.append(pj.AuthCredInfo("digest", cfg.realm or "*", user, 0, password or ""))
    if transport_id >= 0:
        sc.transportId = transport_id
    nc = ac.natConfig
    nc.iceEnabled = cfg.ice
    nc.sipStunUse = pj.PJSUA_STUN_USE_DEFAULT if cfg.stun else pj.PJSUA_STUN_USE_DISABLED
    nc.mediaStunUse = nc.sipStunUse


def _media(ac: pj.AccountConfig, cfg: AccountConfig) -> None:
    mc = ac.mediaConfig
    mc.srtpUse = _SRTP[cfg.srtp]
    # 1 would require TLS for SRTP; SDES over plain UDP works with 0 (lab-facts Q7).
    mc.srtpSecureSignaling = (
        1 if cfg.transport is Transport.TLS and cfg.srtp is not SrtpMode.OFF else 0
    )


def user_part(uri: str) -> str:
    """The user of a SIP URI or name-addr ("" when it has none)."""
    rest = split_name_addr(uri)[1].split(":", 1)[-1]
    return rest.split("@", 1)[0] if "@" in rest else ""
