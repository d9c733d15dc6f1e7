"""Emergency calls: room among the 4 calls, the PIDF-LO, the RFC 6442 headers, a record.

``Priority: emergency`` goes on every emergency INVITE (RFC 3261 §20.26 is independent
of location); ``Geolocation`` and ``Geolocation-Routing: yes`` only with a location,
since RFC 6442 §4.1 forbids a Geolocation header without one. DND is a presence state
here: it never stops an outgoing call, so nothing needs bypassing.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Mapping

from tuiphone.engine.bus import EventBus
from tuiphone.engine.emergency import is_emergency
from tuiphone.engine.invite_preview import preview_invite
from tuiphone.engine.location import LocationDesk
from tuiphone.engine.state import LiveState
from tuiphone.model.account import AccountConfig, AccountState
from tuiphone.model.backend import BodyPart, SipBackend
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import CallChanged, Event, Notice
from tuiphone.model.location import InvitePreview, LocationChoice, LocationUse

log = logging.getLogger("tuiphone.engine.emergency")
PIDF_TYPE = "application/pidf+xml"
ROOM_WAIT_S = 5.0


def content_id(acc: AccountConfig) -> str:
    """A fresh RFC 2392 msg-id on our domain for the PIDF part."""
    domain = acc.uri.rsplit("@", 1)[-1].split(";", 1)[0].strip(">") or "tuiphone.invalid"
    return f"loc-{secrets.token_hex(6)}@{domain}"


def location_request(acc: AccountConfig, choice: LocationChoice | None
                     ) -> tuple[dict[str, str], tuple[BodyPart, ...]]:
    """The headers and body parts of an emergency INVITE on ``acc``."""
    headers = {"Priority": "emergency"}
    if choice is None or choice.profile is None:
        return headers, ()
    from tuiphone.engine.pidf import build_pidf  # ElementTree: only for a location

    cid = content_id(acc)
    pidf = choice.pidf or build_pidf(choice.profile, acc.uri, f"tuiphone-{acc.id}")
    headers = {"Geolocation": f"<cid:{cid}>", "Geolocation-Routing": "yes", **headers}
    return headers, (BodyPart(PIDF_TYPE, pidf, cid),)


def victim(calls: list[CallInfo]) -> CallInfo:
    """The call to end so an emergency call gets a slot: the least engaged one. An
    unanswered incoming call (it ends at once), a held call, the oldest connected call,
    and last an unanswered outgoing call (its CANCEL waits for the far end's 487)."""

    def rank(call: CallInfo) -> tuple[int, float]:
        if call.state in (CallState.INCOMING, CallState.RINGING) \
                and call.direction is Direction.INCOMING:
            return 0, -call.started
        if call.state is CallState.CONNECTED:
            return (1 if call.on_hold else 2), call.started
        return 3, call.started

    return min(calls, key=rank)


class EmergencyDesk:
    """Loop-thread only. ``record`` keeps a LocationUse (for data export/erase)."""

    def __init__(self, backend: SipBackend, bus: EventBus, live: LiveState,
                 locations: LocationDesk, default_region: str,
                 record: Callable[[LocationUse], None], max_calls: int) -> None:
        self.backend = backend
        self.bus = bus
        self.live = live
        self.locations = locations
        self.default_region = default_region
        self.record = record
        self.max_calls = max_calls
        self._placed: dict[str, tuple[str, str]] = {}  # call id -> (account, number)
        self._retried: set[tuple[str, str]] = set()

    def typed_emergency(self, typed: str, acc: AccountConfig) -> bool:
        return is_emergency(typed, acc, self.default_region)

    def wants(self, typed: str, uri: str, acc: AccountConfig) -> bool:
        return is_emergency(typed, acc, self.default_region) or \
            is_emergency(uri, acc, self.default_region)

    async def make_room(self) -> None:
        """End one call (see ``victim``) and hold the other connected ones, so the
        emergency call has a slot and the user's ear. The wheel's 4 slots are compiled
        in: holding alone frees none."""
        calls = list(self.live.calls.values())
        if len(calls) < self.max_calls:
            return
        gone = victim(calls)
        self.bus.publish(Notice("warning", f"emergency call: ending {gone.id} "
                                           f"({gone.remote_uri}) to make room"))
        with contextlib.suppress(TuiphoneError):
            await self.backend.hangup(gone.id, 0 if gone.direction is Direction.OUTGOING
                                      or gone.state is CallState.CONNECTED else 486)
        for call in calls:
            if call.id != gone.id and call.state is CallState.CONNECTED and not call.on_hold:
                with contextlib.suppress(TuiphoneError):
                    await self.backend.hold(call.id)
        if gone.id in self.live.calls:
            with contextlib.suppress(TuiphoneError):
                await self.bus.wait(lambda _e: gone.id not in self.live.calls, ROOM_WAIT_S)

    async def request(self, acc: AccountConfig
                      ) -> tuple[LocationChoice, dict[str, str], tuple[BodyPart, ...]]:
        """The location, headers and parts of an emergency INVITE. Whatever fails while
        finding the location, the call still goes out, without one."""
        try:
            choice = await self.locations.choose(acc)
            headers, parts = location_request(acc, choice)
        except Exception as err:  # noqa: BLE001 - an emergency call must never fail here
            log.warning("emergency call without location: %r", err)
            choice = LocationChoice(None, "none", f"finding the location failed: {err}",
                                    account_id=acc.id, enabled=acc.features.location)
            headers, parts = location_request(acc, None)
        return choice, headers, parts

    async def preview(self, emergency: bool, acc: AccountConfig, uri: str,
                      headers: Mapping[str, str] | None, state: AccountState | None,
                      user_agent: str) -> InvitePreview:
        """``call --dry-run``: the INVITE a call to ``uri`` would send (nothing is sent)."""
        if not emergency:
            return preview_invite(acc, uri, headers, state, user_agent)
        choice, extra, parts = await self.request(acc)
        return preview_invite(acc, uri, {**(headers or {}), **extra}, state, user_agent,
                              parts, choice)

    def sent(self, call_id: str, acc: AccountConfig, number: str,
             choice: LocationChoice) -> None:
        self._placed[call_id] = (acc.id, number)
        name = choice.profile.name if choice.profile else ""
        self.bus.publish(Notice("info", f"emergency call {call_id} to {number}: "
                                        + (f"location {name!r} ({choice.rule}: {choice.detail})"
                                           if name else f"no location ({choice.detail})")))
        self.record(LocationUse(call_id, acc.id, number, name, choice.rule, choice.detail,
                                time.time()))

    def on_event(self, event: Event) -> None:
        """A 424 the stack retried with the server's location: keep that too."""
        if not isinstance(event, CallChanged) or event.call.id not in self._placed:
            return
        call = event.call
        refusal = call.location_refusal
        if call.state is CallState.ENDED:
            self._placed.pop(call.id, None)
        if refusal is None or (call.id, refusal.error) in self._retried:
            return
        self._retried.add((call.id, refusal.error))
        acc_id, number = self._placed.get(call.id, (call.account_id, call.remote_uri))
        given = "the server's PIDF-LO" if refusal.pidf else (refusal.geolocation or "none")
        self.record(LocationUse(call.id, acc_id, number, "(from 424)", "server",
                                f"Geolocation-Error: {refusal.error}; retried with {given}",
                                time.time()))
