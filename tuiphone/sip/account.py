"""PjAccount: a pjsua2 Account whose callbacks become model events.

Runs on the pjsip thread. ``build_config`` maps our AccountConfig to pjsua2's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.account import AccountConfig, AccountState, RegState, SrtpMode
from tuiphone.model.network import NatConfig
from tuiphone.sip.callinfo import split_name_addr
from tuiphone.sip.errors import readable
from tuiphone.sip.guard import guarded
from tuiphone.sip.mwi import parse_mwi
from tuiphone.sip.natseen import rewritten, seen_address
from tuiphone.sip.text import clean
from tuiphone.sip.tls import handshake_hint

if TYPE_CHECKING:
    from tuiphone.sip.core import Core

log = logging.getLogger("tuiphone.sip")
_SRTP = {
    SrtpMode.OFF: pj.PJMEDIA_SRTP_DISABLED,
    SrtpMode.OPTIONAL: pj.PJMEDIA_SRTP_OPTIONAL,
    SrtpMode.MANDATORY: pj.PJMEDIA_SRTP_MANDATORY,
}


class PjAccount(pj.Account):  # type: ignore[misc]
    """``plan`` is how pjsua runs it now; the password stays here (pjsip thread only)
    because changing the route rebuilds the whole pjsua config."""

    def __init__(self, core: Core, config: AccountConfig, plan: Plan, password: str | None
                 ) -> None:
        super().__init__()
        self.core = core
        self.config = config
        self.plan = plan
        self.password = password
        self.contact = ""
        self.public_address = ""  # what the registrar saw us as (location matching)
        # set by Core.shutdown while an un-REGISTER is out: regIsActive drops at once,
        # but a registrar's digest challenge still needs an answer from this account
        self.unregistering = False

    def state(
        self, reg: RegState, code: int = 0, reason: str = "", expires: int = 0
    ) -> AccountState:
        return AccountState(
            self.config.id, self.config.uri, reg, code, reason, expires, self.contact,
            self.public_address,
        )

    @guarded
    def onRegStarted(self, prm: pj.OnRegStartedParam) -> None:
        if prm.renew:  # un-REGISTER ends in onRegState as UNREGISTERED
            self.core.registration(self.state(RegState.REGISTERING))

    @guarded
    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.unregistering = False  # pjsua reports only final outcomes (after any 401)
        if self.core.relinker.answered(self):  # a lost connection's Contact is gone
            self.core.registration(self.state(RegState.REGISTERING))
            return
        code, reason, expires = int(prm.code), readable(str(prm.reason)), int(prm.expiration)
        if 200 <= code < 300:
            reg = RegState.REGISTERED if expires > 0 else RegState.UNREGISTERED
            self._follow_nat(prm)
            self._learn_server(prm)
        else:
            reg, expires = RegState.FAILED, 0
            if code == 0 and prm.status:
                reason = readable(self.core.stack.ep.utilStrError(int(prm.status)))
            reason = handshake_hint(self.config, self.plan.transport, reason)
        self.core.registration(self.state(reg, code, reason, expires))

    def _follow_nat(self, prm: pj.OnRegStateParam) -> None:
        """The registrar saw another address than our Contact: pjsua registers again
        from that one (contact rewrite), and so does the state we report. The address
        is kept either way: location profiles may match on it."""
        try:
            seen = seen_address(clean(str(prm.rdata.wholeMsg)))
        except Exception:  # no rdata (a local failure): nothing was seen
            return
        if seen is None:
            return
        self.public_address = seen[0]
        if self.config.nat.contact_rewrite:
            self.contact = rewritten(self.contact, seen)

    def _learn_server(self, prm: pj.OnRegStateParam) -> None:
        """Who answered our REGISTER is the server requests may come from (the gate)."""
        try:
            source = str(prm.rdata.srcAddress)
        except Exception:  # no rdata: a local answer
            return
        if source:
            self.core.gate.learn(self.config.id, source, self.plan.transport)

    def _admitted(self, rdata: pj.SipRxData) -> bool:
        return self.core.gate.admits(self.config.id, str(rdata.srcAddress), str(rdata.wholeMsg))

    @guarded
    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        source, whole = str(prm.rdata.srcAddress), clean(str(prm.rdata.wholeMsg))
        if not self._admitted(prm.rdata):
            self.core.gate.refuse_call(self, int(prm.callId))
            return
        caller = self.core.gate.identity(self.config.id, source, whole)
        self.core.calls.incoming(self, int(prm.callId), whole, caller)

    @guarded
    def onInstantMessage(self, prm: pj.OnInstantMessageParam) -> None:
        if self._admitted(prm.rdata):
            self.core.pager.received(self, prm)

    @guarded
    def onTypingIndication(self, prm: pj.OnTypingIndicationParam) -> None:
        if self._admitted(prm.rdata):
            self.core.pager.typing_received(self, prm)

    @guarded
    def onIncomingSubscribe(self, prm: pj.OnIncomingSubscribeParam) -> None:
        if not self._admitted(prm.rdata):
            prm.code = 403

    @guarded
    def onInstantMessageStatus(self, prm: pj.OnInstantMessageStatusParam) -> None:
        self.core.pager.status(self, prm)

    @guarded
    def onMwiInfo(self, prm: pj.OnMwiInfoParam) -> None:
        try:
            body = str(prm.rdata.wholeMsg)
        except Exception:
            return
        if not self._admitted(prm.rdata):
            return
        summary = parse_mwi(clean(body))
        if summary is None:
            log.warning("%s: MWI NOTIFY without a message summary; ignored", self.config.id)
            return
        self.core.mwi(self.config.id, *summary)

    @guarded
    def onSendRequest(self, prm: pj.OnSendRequestParam) -> None:
        self.core.pinger.on_response(self, prm)


@dataclass(frozen=True, slots=True)
class Plan:
    """How pjsua should run one account: decided by the core from the route.

    ``transport_id`` -1 leaves the transport to pjsua; ``media_address`` "" binds RTP
    to every address; ``proxies`` replace the configured outbound proxies;
    ``transport`` is the resolved one ("udp"/"tcp"/"tls").
    """

    transport_id: int = -1
    transport: str = "udp"
    family: int = 4
    media_address: str = ""
    proxies: tuple[str, ...] = ()
    stun: bool = False
    turn_password: str | None = None


def build_config(cfg: AccountConfig, password: str | None, plan: Plan) -> pj.AccountConfig:
    """pjsua2 AccountConfig for ``cfg`` as ``plan`` says."""
    ac = pj.AccountConfig()
    ac.idUri = cfg.uri
    ac.priority = 0
    _registration(ac, cfg)
    _sip(ac, cfg, password, plan)
    _media(ac, cfg, plan)
    nat_config(ac.natConfig, cfg.nat, plan)
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
    if cfg.features.location_in_register and cfg.location_url:
        # RFC 6442 by reference: pjsua2 cannot put a body in REGISTER (location-facts §3b)
        rc.headers.append(header("Geolocation", f"<{cfg.location_url}>"))


def header(name: str, value: str) -> pj.SipHeader:
    h = pj.SipHeader()
    h.hName = name
    h.hValue = value
    return h


def _sip(ac: pj.AccountConfig, cfg: AccountConfig, password: str | None, plan: Plan) -> None:
    sc = ac.sipConfig
    for proxy in plan.proxies or cfg.proxy:
        sc.proxies.append(proxy)
    if password is not None or cfg.username:
        user = cfg.username or user_part(cfg.uri)
        sc.authCreds.append(pj.AuthCredInfo("digest", cfg.realm or "*", user, 0, password or ""))
    if plan.transport_id >= 0:
        sc.transportId = plan.transport_id
    sc.ipv6Use = _ipv6_use(cfg, plan)


def _media(ac: pj.AccountConfig, cfg: AccountConfig, plan: Plan) -> None:
    mc = ac.mediaConfig
    mc.srtpUse = _SRTP[cfg.srtp]
    # 1 would require TLS for SRTP; SDES over plain UDP works with 0 (lab-facts Q7).
    mc.srtpSecureSignaling = 1 if plan.transport == "tls" and cfg.srtp is not SrtpMode.OFF else 0
    mc.transportConfig.boundAddress = plan.media_address
    mc.ipv6Use = _ipv6_use(cfg, plan)


def _ipv6_use(cfg: AccountConfig, plan: Plan) -> int:
    """Always "disabled": the wheel is built without PJ_HAS_IPV6, and pjsua_acc_add
    asserts (aborting the process) on anything else. SIP over IPv6 still works through
    an IPv6 transport; media stays IPv4 (see sdp.py and the README)."""
    return int(pj.PJSUA_IPV6_DISABLED)


def nat_config(nc: pj.AccountNatConfig, nat: NatConfig, plan: Plan) -> None:
    """Contact/Via/SDP rewriting from the registrar's received/rport, keep-alives,
    STUN (only when the engine has STUN servers), ICE and TURN."""
    rewrite = 1 if nat.contact_rewrite else 0
    nc.contactRewriteUse = rewrite
    nc.viaRewriteUse = rewrite
    nc.sdpNatRewriteUse = rewrite
    nc.udpKaIntervalSec = nat.keepalive_s
    use = pj.PJSUA_STUN_USE_DEFAULT if plan.stun else pj.PJSUA_STUN_USE_DISABLED
    nc.sipStunUse = use
    nc.mediaStunUse = use
    nc.iceEnabled = nat.ice
    if nat.ice and nat.turn is not None:
        nc.turnEnabled = True
        nc.turnServer = nat.turn.server
        nc.turnConnType = pj.PJ_TURN_TP_TCP if nat.turn.transport == "tcp" else pj.PJ_TURN_TP_UDP
        nc.turnUserName = nat.turn.username
        nc.turnPasswordType = 0  # plain text, handed over in memory only
        nc.turnPassword = plan.turn_password or ""


def user_part(uri: str) -> str:
    """The user of a SIP URI or name-addr ("" when it has none)."""
    rest = split_name_addr(uri)[1].split(":", 1)[-1]
    return rest.split("@", 1)[0] if "@" in rest else ""
