"""How phone values read on screen: words plus a glyph, never colour alone."""

from __future__ import annotations

from tuiphone.model.call import CallInfo, CallSecurity, CallState, HistoryEntry
from tuiphone.model.events import MediaProblem
from tuiphone.model.files import FileTransfer, TransferState
from tuiphone.model.location import LocationChoice
from tuiphone.model.message import Delivery, Message, peer_key
from tuiphone.model.network import AccountRoute
from tuiphone.model.trust import CallerIdentity, Vouch

_STATE_GLYPH = {
    CallState.CALLING: "→",
    CallState.INCOMING: "←",
    CallState.RINGING: "◎",
    CallState.CONNECTING: "◌",
    CallState.CONNECTED: "●",
    CallState.ENDED: "✕",
}
_DELIVERY_MARK = {
    Delivery.QUEUED: "◷ queued",
    Delivery.SENDING: "… sending",
    Delivery.SENT: "✓ sent",
    Delivery.DELIVERED: "✓✓ delivered",
    Delivery.DISPLAYED: "✓✓ displayed",
    Delivery.FAILED: "✕ failed",
    Delivery.RECEIVED: "",
}


def state_class(call: CallInfo) -> str:
    """The CSS state class of a call (``-connected``, ``-hold``, ...)."""
    return "-hold" if call.on_hold else f"-{call.state.value}"


def state_words(call: CallInfo) -> str:
    """'● Connected', '◐ On hold', '✕ Ended (486 Busy Here)'."""
    if call.on_hold and call.state is CallState.CONNECTED:
        return "◐ On hold"
    words = f"{_STATE_GLYPH[call.state]} {call.state.label}"
    if call.state is CallState.ENDED and call.code:
        words += f" ({call.code} {call.reason})".rstrip()
    return words


def duration(seconds: float) -> str:
    """'0:07', '12:34', '1:02:03'."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def call_timer(call: CallInfo, now: float) -> str:
    start = call.answered if call.answered is not None else call.started
    return duration(now - start) if start else ""


def party(uri: str, name: str = "") -> str:
    """A short caller label: the display name, else user@host without scheme or params."""
    return name or thread_key(uri)


def thread_key(uri: str) -> str:
    """'echo@127.0.0.1' for 'sip:echo@127.0.0.1:5060;transport=udp' (name, ports and params
    go): the engine's thread key, ``peer_key``."""
    return peer_key(uri)


def security_words(security: CallSecurity | None, short: bool = False) -> str:
    """'  🔒 encrypted' only when signalling (verified TLS) and media (SRTP) both are;
    otherwise which part is not ('  unencrypted: media'); '' before media is up.
    ``short`` for a narrow table: '  🔒 enc', '  unenc: sig, media'."""
    if security is None:
        return ""
    if security.locked:
        return "  🔒 enc" if short else "  🔒 encrypted"
    if short:
        return "  unenc: " + ", ".join(_SHORT_GAP.get(g, g) for g in security.gaps)
    return f"  unencrypted: {', '.join(security.gaps)}"


def conference_mark(call: CallInfo) -> str:
    """'  ⧉ conf' after a party in the local conference, else ''."""
    return "  ⧉ conf" if call.conference else ""


_SHORT_GAP = {"signalling": "sig"}


def vouch_mark(vouch: Vouch | None, short: bool = False) -> str:
    """'  ✔ verified' after a caller's name, or '' (outgoing calls, older history).
    ``short`` for a narrow table: the STIR/SHAKEN verdicts in fewer letters."""
    if vouch is None:
        return ""
    return f"  {_SHORT_VOUCH.get(vouch, vouch.mark) if short else vouch.mark}"


_SHORT_VOUCH = {
    Vouch.PASSED: "✔ TN-passed",
    Vouch.FAILED: "✘ TN-failed",
    Vouch.NO_VALIDATION: "• no-TN",
}


def vouched(vouch: Vouch) -> bool:
    """Whether the network stood behind the caller's identity (and it held)."""
    return vouch in (Vouch.PASSED, Vouch.VERIFIED)


def identity_words(identity: CallerIdentity) -> str:
    """The incoming-call screen's line: the verdict, and what it rests on."""
    parts = [identity.vouch.mark]
    if identity.asserted_by:
        parts.append(f"from {identity.asserted_by}")
    if identity.claimed:
        parts.append(f"From header says {thread_key(identity.claimed)}")
    if identity.identity_header:
        parts.append("Identity header present (signature not checked)")
    return " · ".join(parts)


def outcome(entry: HistoryEntry) -> str:
    """History result: 'answered 0:42' or the failure cause."""
    if entry.answered is not None:
        return f"answered {duration(entry.duration_s)}"
    return f"{entry.code} {entry.reason}".strip() or "not answered"


def delivery_mark(message: Message) -> str:
    mark = _DELIVERY_MARK[message.delivery]
    if message.delivery is Delivery.FAILED and message.code:
        mark += f" ({message.code} {message.reason})"
    elif message.delivery is Delivery.FAILED and message.reason:
        mark += f" ({message.reason})"
    elif message.delivery is Delivery.QUEUED and message.reason:
        # waiting for a retry: say why the last try did not go through
        cause = f"{message.code} {message.reason}" if message.code else message.reason
        mark += f" (last try: {cause})"
    return mark


def transfer_row(t: FileTransfer, width: int = 20) -> str:
    """An attachment's progress as one line: a bar, the share, the state (and error)."""
    share = min(t.done / t.total, 1.0) if t.total else (1.0 if t.done else 0.0)
    fill = int(share * width)
    bar = "█" * fill + "░" * (width - fill)
    where = f" → {t.path}" if t.state is TransferState.SAVED and t.path else ""
    error = f": {t.error}" if t.error else ""
    return f"📎 {t.filename} {bar} {share:4.0%} {t.state.value}{where}{error}"


def network_words(route: AccountRoute) -> str:
    """A route change as one line: what changed and where the account goes now."""
    if not route.local_address:
        return f"{route.account_id}: no route to its server"
    how = {"failover": "failed over to", "address changed": "address changed; now"}
    lead = how.get(route.reason, route.reason + ":")
    return f"{route.account_id}: {lead} {route.local_address} → {route.server}"


def problem_words(problem: MediaProblem) -> str:
    """A one-way audio report: counters, cause, what to try."""
    return (f"{problem.call_id}: {problem.tx_packets} RTP packets sent, none received in "
            f"{problem.seconds:g} s — {problem.cause}. {problem.hint}")


def location_words(choice: LocationChoice) -> str:
    """The status bar's location part: the profile an emergency call would carry ("" when
    features.location is off)."""
    if not choice.enabled:
        return ""
    if choice.profile is None:
        return "⌖ location: none"
    hand = " (set)" if choice.rule == "override" else ""
    return f"⌖ location: {choice.profile.name}{hand}"
