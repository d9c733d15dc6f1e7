"""The process-wide dialog-event hooks, shared by every BlfWatcher.

pjsua has one callback slot of each kind per process, so watchers register the buddy
ids they own here and the hooks forward each event to its owner. For a NOTIFY, pjsua
calls ``on_buddy_evsub_dlg_event_state`` (with the pjsip_event) just before
``on_buddy_dlg_event_state``; the first stashes the raw body for the second to take.
All methods run on the thread that owns the Endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tuiphone.sip.blf.hook import (
    EvsubCallback,
    HookLayout,
    LayoutError,
    SelfCheckResult,
    SlotHook,
    StateCallback,
    locate_slot,
)
from tuiphone.sip.blf.rdata import message_body, notify_message

log = logging.getLogger("tuiphone.sip.blf")


class DlgEventRouter:
    def __init__(self) -> None:
        self._routes: dict[int, Callable[[int], None]] = {}
        self._bodies: dict[int, bytes] = {}
        self._hooks: list[SlotHook] = []
        self._check: SelfCheckResult | None = None
        self._users = 0

    def attach(self, layout: HookLayout) -> SelfCheckResult:
        """Verify ``layout`` and install the hooks once; "poll" mode if that fails."""
        self._users += 1
        if self._check is not None and self._check.ok:
            return self._check
        try:
            anchor = locate_slot(layout)
            self._install(anchor + layout.dlg_delta, StateCallback, self._on_state)
        except LayoutError as err:
            log.warning("BLF falls back to polling: %s", err)
            return SelfCheckResult(False, "poll", str(err))
        full_body = self._try_body_hook(anchor + layout.evsub_dlg_delta)
        detail = f"on_buddy_dlg_event_state slot at {anchor + layout.dlg_delta:#x}"
        self._check = SelfCheckResult(True, "callback", detail, full_body)
        return self._check

    def _install(self, slot: int, functype: object, callback: Callable[..., None]) -> None:
        hook = SlotHook(slot, functype)
        hook.install(callback)
        self._hooks.append(hook)

    def _try_body_hook(self, slot: int) -> bool:
        try:
            self._install(slot, EvsubCallback, self._on_evsub)
        except LayoutError as err:
            log.warning("BLF keeps pjsua's one-dialog view: %s", err)
            return False
        return True

    def detach(self) -> None:
        """Drop one user; the last one clears the slots (before libDestroy)."""
        self._users = max(0, self._users - 1)
        if self._users == 0:
            for hook in self._hooks:
                hook.uninstall()
            self._hooks.clear()
            self._check = None

    def route(self, buddy_id: int, handler: Callable[[int], None]) -> None:
        self._routes[buddy_id] = handler

    def unroute(self, buddy_id: int) -> None:
        self._routes.pop(buddy_id, None)
        self._bodies.pop(buddy_id, None)

    def take_body(self, buddy_id: int) -> bytes | None:
        """The body of the NOTIFY behind the current event, once; None if there was none."""
        return self._bodies.pop(buddy_id, None)

    # Both run from C: an exception there would only be printed, so log it instead.
    def _on_evsub(self, buddy_id: int, sub: int | None, event: int | None) -> None:
        try:
            if buddy_id in self._routes and event:
                message = notify_message(event)
                if message is not None:
                    self._bodies[buddy_id] = message_body(message)
        except Exception:
            log.exception("reading the NOTIFY for buddy %d failed", buddy_id)

    def _on_state(self, buddy_id: int) -> None:
        handler = self._routes.get(buddy_id)
        if handler is None:
            return
        try:
            handler(buddy_id)
        except Exception:
            log.exception("BLF event for buddy %d failed", buddy_id)


ROUTER = DlgEventRouter()
