"""One process-wide ``on_buddy_dlg_event_state`` hook, shared by every BlfWatcher.

pjsua has a single callback slot per process, so watchers register the buddy ids they
own here, and the hook forwards each event to its owner. All methods run on the thread
that owns the Endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tuiphone.sip.blf_hook import (
    DlgEventHook,
    HookLayout,
    LayoutError,
    SelfCheckResult,
    locate_slot,
)

log = logging.getLogger("tuiphone.sip.blf")


class DlgEventRouter:
    def __init__(self) -> None:
        self._routes: dict[int, Callable[[int], None]] = {}
        self._hook: DlgEventHook | None = None
        self._users = 0

    def attach(self, layout: HookLayout) -> SelfCheckResult:
        """Verify ``layout`` and install the hook once; "poll" mode if it fails."""
        self._users += 1
        try:
            slot = locate_slot(layout)
        except LayoutError as err:
            log.warning("BLF falls back to polling: %s", err)
            return SelfCheckResult(False, "poll", str(err))
        if self._hook is None:
            hook = DlgEventHook(slot)
            try:
                hook.install(self._dispatch)
            except LayoutError as err:
                return SelfCheckResult(False, "poll", str(err))
            self._hook = hook
        return SelfCheckResult(True, "callback", f"on_buddy_dlg_event_state slot at {slot:#x}")

    def detach(self) -> None:
        """Drop one user; the last one clears the slot (before libDestroy)."""
        self._users = max(0, self._users - 1)
        if self._users == 0 and self._hook is not None:
            self._hook.uninstall()
            self._hook = None

    def route(self, buddy_id: int, handler: Callable[[int], None]) -> None:
        self._routes[buddy_id] = handler

    def unroute(self, buddy_id: int) -> None:
        self._routes.pop(buddy_id, None)

    def _dispatch(self, buddy_id: int) -> None:
        # Called from C: an exception here would only be printed, so log it instead.
        handler = self._routes.get(buddy_id)
        if handler is None:
            return
        try:
            handler(buddy_id)
        except Exception:
            log.exception("BLF event for buddy %d failed", buddy_id)


ROUTER = DlgEventRouter()
