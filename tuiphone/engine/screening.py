"""Which rule, if any, answers an incoming call before it rings. Pure functions: the
pjsua2 thread asks (through the backend's call screen) before the first response."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from tuiphone.model.call import CallInfo
from tuiphone.model.rules import CallRules, RuleAction, Screening
from tuiphone.model.trust import Vouch

DND_CODE = 486  # Busy Here, as the issue and every desk phone do
BLOCKED_CODE = 603  # Decline
ANONYMOUS_CODE = 433  # Anonymity Disallowed (RFC 5079)
UNVERIFIED_CODE = 608  # Rejected (RFC 8688): an intermediary's analytics refused the caller


@dataclass(frozen=True, slots=True)
class LineRules:
    """One account's rules as the screen sees them: ``voicemail`` and forward targets
    are already resolved to SIP URIs ("" when unset)."""

    rules: CallRules
    dnd: bool
    voicemail: str = ""
    forward_always: str = ""
    forward_busy: str = ""


def caller_parts(uri: str) -> tuple[str, str]:
    """(user, "user@host") of a SIP URI, lower-cased host, no scheme or parameters."""
    rest = uri.strip().strip("<>")
    for scheme in ("sips:", "sip:", "tel:"):
        if rest.lower().startswith(scheme):
            rest = rest[len(scheme):]
            break
    rest = rest.split(";", 1)[0].split("?", 1)[0]
    user, at, host = rest.rpartition("@")
    if not at:
        user, host = rest, ""
    user = "".join(c for c in user if c not in " -.()") if _dialled(user) else user
    return user, f"{user}@{host.lower()}" if host else user


def _dialled(user: str) -> bool:
    return bool(user) and all(c.isdigit() or c in "+*# -.()" for c in user)


def is_anonymous(call: CallInfo) -> bool:
    user, whole = caller_parts(call.remote_uri)
    host = whole.partition("@")[2]
    return (user.lower() == "anonymous" or host == "anonymous.invalid"
            or call.remote_name.strip().lower() in ("anonymous", "withheld"))


def blocked_by(call: CallInfo, patterns: tuple[str, ...]) -> str | None:
    """The first blocklist pattern that matches the caller, or None."""
    user, whole = caller_parts(call.remote_uri)
    for pattern in patterns:
        if pattern.lower() == "anonymous":
            if is_anonymous(call):
                return pattern
            continue
        if "@" in pattern:
            probe, wanted = whole.lower(), pattern.lower().removeprefix("sip:")
        else:
            probe, wanted = user, "".join(c for c in pattern if c not in " -.()")
        if fnmatch.fnmatchcase(probe, wanted):
            return pattern
    return None


def screen(call: CallInfo, line: LineRules, busy: bool) -> Screening | None:
    """The answer a rule gives ``call`` instead of ringing, or None to ring. Order: the
    blocklist, anonymous callers, failed verification, DND, then forwarding."""
    rules = line.rules
    hit = blocked_by(call, rules.blocklist)
    if hit is not None:
        return _act(rules.block_action, BLOCKED_CODE, f"blocked ({hit})", line)
    if rules.reject_anonymous and is_anonymous(call):
        return Screening(ANONYMOUS_CODE, "anonymous call rejected")
    if (rules.unverified_action is not None and call.identity is not None
            and call.identity.vouch is Vouch.FAILED):
        return _act(rules.unverified_action, UNVERIFIED_CODE, "caller verification failed",
                    line)
    if line.dnd:
        return _act(rules.dnd_action, DND_CODE, "do not disturb", line)
    if line.forward_always:
        return Screening(302, "forwarded", line.forward_always)
    if busy and line.forward_busy:
        return Screening(302, "forwarded (busy)", line.forward_busy)
    return None


def _act(action: RuleAction, code: int, rule: str, line: LineRules) -> Screening:
    if action is RuleAction.VOICEMAIL and line.voicemail:
        return Screening(302, f"{rule}: to voicemail", line.voicemail)
    return Screening(code, rule)
