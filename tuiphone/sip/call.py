"""PjCall: a pjsua2 Call that caches its state and reports changes to the core.

Every method runs on the pjsip thread. pjsua2 invokes the ``on*`` callbacks.
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.call import (
    CallInfo,
    CallSecurity,
    CallState,
    CallStats,
    Direction,
    LocationRefusal,
    MediaState,
)
from tuiphone.model.errors import TuiphoneError, UsageError
from tuiphone.model.trust import CallerIdentity
from tuiphone.sip import sdp
from tuiphone.sip.callinfo import call_state, media_state, split_name_addr, srtp_suite
from tuiphone.sip.errors import readable
from tuiphone.sip.geoloc import final_response, refusal
from tuiphone.sip.guard import guarded
from tuiphone.sip.text import clean

if TYPE_CHECKING:
    from tuiphone.sip.core import Core


class PjCall(pj.Call):  # type: ignore[misc]
    """``info`` is always the latest snapshot; getInfo() raises after DISCONNECTED."""

    def __init__(
        self, core: Core, acc: pj.Account, account_id: str, info: CallInfo, pj_id: int = -1
    ) -> None:
        if pj_id >= 0:
            super().__init__(acc, pj_id)
        else:
            super().__init__(acc)
        self.core = core
        self.info = info
        self.audio: pj.AudioMedia | None = None
        self.redirected_to = ""
        self.account = acc
        self.sdp_address: str | None = None  # our SDP address, when we choose it (sdp.py)
        self.local_rtp = ""  # "address:port" of our last SDP
        self.shown: tuple[str, str] | None = None  # (name, uri) a trusted server asserted
        # (uri, headers) of an INVITE that carried a location: a 424 places it again
        self.location_retry: tuple[str, dict[str, str]] | None = None
        self.last_stats: CallStats | None = None  # read as its stream went

    def vouch(self, identity: CallerIdentity, shown: str) -> None:
        """Record who the network says is calling; ``shown`` (a name-addr) replaces the
        caller's own From in every snapshot when a trusted source asserted it."""
        if shown:
            self.shown = split_name_addr(shown)
            name, uri = self.shown
            self.amend(remote_uri=uri, remote_name=name)
        self.amend(identity=identity)

    @property
    def key(self) -> str:
        return self.info.id

    def update(self, **changes: object) -> None:
        """Replace fields of the snapshot and emit CallChanged."""
        self.amend(**changes)
        self.core.call_changed(self)

    def amend(self, **changes: object) -> None:
        """Replace fields of the snapshot without emitting (the caller reports it)."""
        self.info = dataclasses.replace(self.info, **changes)  # type: ignore[arg-type]

    def refresh(self) -> dict[str, object]:
        """Fields read from getInfo(); {} once the call is gone."""
        try:
            ci = self.getInfo()
        except pj.Error:
            return {}
        name, uri = self.shown or split_name_addr(str(ci.remoteUri))
        return {
            "state": call_state(int(ci.state), self.info.direction),
            "code": int(ci.lastStatusCode),
            "reason": readable(str(ci.lastReason)),
            "remote_uri": uri,
            "remote_name": name or self.info.remote_name,
            "sip_call_id": clean(str(ci.callIdString)),
        }

    @guarded
    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        fields = self.refresh()
        state = fields.get("state", CallState.ENDED)
        now = time.time()
        if state is CallState.CONNECTED and self.info.answered is None:
            fields["answered"] = now
        if state is CallState.ENDED:
            self._report_final_stats()
            fields["ended"] = now
            if self.redirected_to:  # pjsua reports 487 after we stop a redirect
                fields["code"], fields["reason"] = 302, f"Moved Temporarily to {self.redirected_to}"
            fields["media"] = MediaState.NONE
            self.audio = None
            self.core.media.finish_recordings(self.key)  # complete when it is seen ended
            if fields.get("code") == 424 and self.location_retry is not None:
                # RFC 6442 §4.3: retry with the location the 424 offers, once
                # an unreadable 424 still gets its retry, without location
                offered = refusal(clean(final_response(prm))) or LocationRefusal("")
                # by key: a job holding this wrapper would outlive its slot, and its
                # destructor would hang up the new call placed in that slot
                calls, key = self.core.calls, self.key
                self.core.defer(lambda: calls.redial_located(key, offered))
                return
        self.update(**fields)
        if state is CallState.ENDED:
            self.core.call_ended(self)  # defers the delete: never inside this callback

    @guarded
    def onStreamDestroyed(self, prm: pj.OnStreamDestroyedParam) -> None:
        """Keep the stream's last RTP figures: pjsua destroys it before the call's
        DISCONNECTED state, so this is the last moment to read them. A re-INVITE that
        rebuilds the media passes here too; the newest figures win."""
        from tuiphone.sip.stats import call_stats

        try:
            self.last_stats = call_stats(self, int(prm.streamIdx))
        except UsageError:
            return

    def _report_final_stats(self) -> None:
        """History gets the figures without any front end having polled them."""
        if self.last_stats is not None:
            self.core.final_stats(self, self.last_stats)

    @guarded
    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        try:
            ci = self.getInfo()
        except pj.Error:
            return
        status = MediaState.NONE
        for mi in ci.media:
            if mi.type == pj.PJMEDIA_TYPE_AUDIO:
                status = media_state(int(mi.status))
                if status in (MediaState.ACTIVE, MediaState.REMOTE_HOLD):
                    self.audio = self.getAudioMedia(int(mi.index))
                break
        security = self._security() if status is MediaState.ACTIVE else self.info.security
        if status is not self.info.media or security != self.info.security:
            self.update(media=status, security=security)
        if status is MediaState.ACTIVE and self.audio is not None:
            try:
                self.core.media.connect(self)
            except TuiphoneError as err:  # no sound device, a recording that cannot start
                self.core.notice("error", f"call {self.key}: {err}")

    def _security(self) -> CallSecurity:
        """Our hop's signalling transport (TLS counts only with the server certificate
        verified) and the SRTP suite pjsua negotiated (the wheel has no field for it:
        read from the call dump)."""
        plan, cfg = getattr(self.account, "plan", None), getattr(self.account, "config", None)
        signalling = str(getattr(plan, "transport", "") or "udp")
        if signalling == "tls" and not getattr(cfg, "tls_verify", False):
            signalling = "tls-unverified"
        try:
            media = srtp_suite(str(self.dump(True, "")))
        except pj.Error:
            media = ""
        return CallSecurity(signalling, media)

    def onCallRedirected(self, prm: pj.OnCallRedirectedParam) -> int:
        """Don't follow 3xx silently: end the call and let the user decide."""
        try:
            self.redirected_to = clean(str(prm.targetUri))
        except Exception:  # must return an int to C++ whatever happens
            self.redirected_to = "?"
        return int(pj.PJSIP_REDIRECT_STOP)

    @guarded
    def onCallRxOffer(self, prm: pj.OnCallRxOfferParam) -> None:
        """A re-INVITE or UPDATE offering IPv6 media only is refused with 488: this
        build would abort in pjlib while negotiating it."""
        if sdp.ipv6_only(str(prm.offer.wholeSdp)):
            prm.statusCode = 488

    @guarded
    def onCreateMediaTransport(self, prm: pj.OnCreateMediaTransportParam) -> None:
        """With ``[engine] rtp_headers`` on, tap the RTP headers of this call's media
        transport (rtp_tap.py); the transport itself stays pjsua's."""
        tap = self.core.rtp_tap
        if tap is not None:
            tap.patch(int(prm.mediaTp), self.key)

    @guarded
    def onCallSdpCreated(self, prm: pj.OnCallSdpCreatedParam) -> None:
        self.core.fix_sdp(self, prm)

    @guarded
    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        self.core.dtmf_received(self, str(prm.digit))

    @guarded
    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        prm.newCall = self.core.calls.adopt_transfer(self, str(prm.dstUri))

    @guarded
    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        self.core.transfer_status(self, int(prm.statusCode), readable(str(prm.reason)),
                                  bool(prm.finalNotify))

    @guarded
    def onCallReplaced(self, prm: pj.OnCallReplacedParam) -> None:
        prm.newCall = self.core.calls.adopt_replacement(self, int(prm.newCallId))


def new_info(key: str, account_id: str, direction: Direction, remote: str) -> CallInfo:
    """The first snapshot of a call."""
    name, uri = split_name_addr(remote)
    state = CallState.CALLING if direction is Direction.OUTGOING else CallState.INCOMING
    return CallInfo(
        id=key,
        account_id=account_id,
        direction=direction,
        remote_uri=uri,
        remote_name=name,
        state=state,
        started=time.time(),
    )
