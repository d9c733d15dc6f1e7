"""What ``wait`` can wait for: a check on the current state plus a test for each event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tuiphone.commands.errors import ExpectationFailed, Unsupported
from tuiphone.engine.api import PhoneState
from tuiphone.model.account import RegState
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import UsageError
from tuiphone.model.events import (
    CallChanged,
    DtmfReceived,
    Event,
    FileTransferChanged,
    IncomingCall,
    LampChanged,
    MessageReceived,
    RegistrationChanged,
)
from tuiphone.model.files import ACROBITS_TYPE, FTHTTP_TYPE, TransferState
from tuiphone.model.lamp import Lamp, LampState


@dataclass
class Condition:
    """``now`` looks at a snapshot, ``seen`` at one event; either returning non-None ends
    the wait with that value as the result."""

    text: str
    now: Callable[[PhoneState], object | None]
    seen: Callable[[Event], object | None]
    memory: list[str] = field(default_factory=list)


def _registering_account(state: PhoneState, account: str | None) -> str:
    """The named account, else the default one if it registers, else the first that does."""
    if account:
        return account
    registering = [a.id for a in state.accounts if a.reg_state is not RegState.NONE]
    if state.default_account in registering or not registering:
        return state.default_account or ""
    return registering[0]


def registered(account: str | None) -> Condition:
    holder: dict[str, str] = {}

    def now(state: PhoneState) -> object | None:
        holder["id"] = wanted = _registering_account(state, account)
        for acc in state.accounts:
            if acc.id == wanted:
                if acc.reg_state is RegState.NONE:
                    raise UsageError(f"account {acc.id!r} does not register (direct/IP mode)")
                return acc if acc.reg_state is RegState.REGISTERED else None
        raise UsageError(f"no account {wanted!r}")

    def seen(event: Event) -> object | None:
        if isinstance(event, RegistrationChanged) and event.account.id == holder.get("id"):
            return event.account if event.account.reg_state is RegState.REGISTERED else None
        return None

    return Condition(f"account {account or 'default'} registered", now, seen)


def call_state(word: str) -> Condition:
    try:
        target = CallState(word.lower())
    except ValueError:
        names = ", ".join(s.value for s in CallState)
        raise UsageError(f"wait call: unknown state {word!r} (one of: {names})") from None

    def now(state: PhoneState) -> object | None:
        return next((c for c in state.calls if c.state is target), None)

    def seen(event: Event) -> object | None:
        if isinstance(event, CallChanged | IncomingCall) and event.call.state is target:
            return event.call
        return None

    return Condition(f"a call {target.value}", now, seen)


def ringing_in() -> Condition:
    """An incoming call not yet answered, whether or not our 180 has gone out
    (``wait call incoming --answer``: the call may have rung before the wait began)."""

    def ringing(call: CallInfo) -> CallInfo | None:
        waiting = call.state in (CallState.INCOMING, CallState.RINGING)
        return call if waiting and call.direction is Direction.INCOMING else None

    def now(state: PhoneState) -> object | None:
        return next((c for c in state.calls if ringing(c)), None)

    def seen(event: Event) -> object | None:
        return ringing(event.call) if isinstance(event, CallChanged | IncomingCall) else None

    return Condition("an incoming call", now, seen)


def message(sender: str | None, with_file: bool = False) -> Condition:
    """A message; ``with_file``: one carrying a file, once that file is saved (its
    transfer is the result; a failed or refused download is ExpectationFailed)."""
    text = f"a message{' with a file' if with_file else ''}{' from ' + sender if sender else ''}"
    cond = Condition(text, lambda _s: None, lambda _e: None)

    def seen(event: Event) -> object | None:
        if isinstance(event, MessageReceived) and (not sender or sender in event.message.peer):
            if not with_file:
                return event.message
            if event.message.content_type in (FTHTTP_TYPE, ACROBITS_TYPE):
                cond.memory.append(event.message.id)
        if isinstance(event, FileTransferChanged) and event.transfer.message_id in cond.memory:
            done = event.transfer
            if done.state is TransferState.SAVED:
                return done
            if done.state in (TransferState.FAILED, TransferState.OFFERED):
                raise ExpectationFailed(f"{done.filename}: {done.state.value}"
                                        f"{': ' + done.error if done.error else ''}")
        return None

    cond.seen = seen
    return cond


def dtmf(digits: str) -> Condition:
    cond = Condition(f"DTMF {digits}", lambda _s: None, lambda _e: None)

    def seen(event: Event) -> object | None:
        if isinstance(event, DtmfReceived):
            cond.memory.append(event.digit.upper())
            got = "".join(cond.memory)
            if digits.upper() in got:
                return {"call_id": event.call_id, "digits": got}
        return None

    cond.seen = seen
    return cond


def _aor(uri: str) -> str:
    rest = uri.strip().strip("<>").split(":", 1)[-1].split(";", 1)[0]
    user, sep, host = rest.partition("@")
    return f"{user}@{host.rsplit(':', 1)[0].lower()}" if sep else user


def lamp(uri: str, word: str, current: Callable[[], list[Lamp]]) -> Condition:
    """``current`` gives the lamps before waiting (PhoneState has none)."""
    try:
        target = LampState(word.lower())
    except ValueError:
        names = ", ".join(s.value for s in LampState)
        raise UsageError(f"wait lamp: unknown state {word!r} (one of: {names})") from None

    def match(lamp: Lamp) -> Lamp | None:
        same = lamp.uri == uri or _aor(lamp.uri) == _aor(uri)
        return lamp if same and lamp.state is target else None

    def now(_state: PhoneState) -> object | None:
        return next((found for found in map(match, current()) if found), None)

    def seen(event: Event) -> object | None:
        return match(event.lamp) if isinstance(event, LampChanged) else None

    return Condition(f"lamp {uri} {target.value}", now, seen)


def build(
    kind: str,
    params: list[str],
    sender: str | None,
    account: str | None,
    lamps: Callable[[], list[Lamp]] = list,
    with_file: bool = False,
) -> Condition:
    """Raises UsageError for wrong parameters. ``lamps``: the current lamps."""
    wanted = {"registered": 0, "call": 1, "message": 0, "dtmf": 1, "lamp": 2}[kind]
    if len(params) != wanted:
        raise UsageError(f"wait {kind}: expected {wanted} parameter(s), got {len(params)}")
    if (sender or with_file) and kind != "message":
        raise UsageError("--from and --with-file only go with 'wait message'")
    if kind == "registered":
        return registered(account)
    if kind == "call":
        return call_state(params[0])
    if kind == "message":
        return message(sender, with_file)
    if kind == "dtmf":
        return dtmf(params[0])
    if kind == "lamp":
        return lamp(params[0], params[1], lamps)
    raise Unsupported(f"wait {kind}: not supported")
