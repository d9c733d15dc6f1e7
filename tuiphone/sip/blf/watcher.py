"""Busy lamps (RFC 4235 dialog events) for one account, over pjsua-lib's C API.

``BlfWatcher`` creates a plain ``pj.Buddy`` per watched URI and turns on its dialog-event
subscription through ctypes (``tuiphone.sip.blf.native``). Lamp changes arrive through
the ``on_buddy_dlg_event_state`` slot (``tuiphone.sip.blf.hook``) when the layout
self-check passes, or by calling ``poll()`` after each ``libHandleEvents`` otherwise.
In callback mode the raw NOTIFY body is read too (``self_check().full_body``), giving
every ``<dialog>`` and ``+sip.rendering`` hold; otherwise pjsua's one-dialog view is used.

Threading: every method, and ``on_lamp``, runs on the thread that owns the Endpoint.
``on_lamp`` may run while pjsua holds the buddy's dialog lock: it must not block and
must not call pjsua2 (hand the Lamp to another thread and return).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from tuiphone.model.errors import BackendError, InvalidUri, LimitExceeded
from tuiphone.model.lamp import Lamp, LampState
from tuiphone.sip.blf import body as blf_body
from tuiphone.sip.blf import native
from tuiphone.sip.blf.body import DialogInfoDoc
from tuiphone.sip.blf.hook import HookLayout, LayoutError, SelfCheckResult, check_versions
from tuiphone.sip.blf.lamp_map import SUB_ACTIVE, to_lamp
from tuiphone.sip.blf.router import ROUTER

# The buddy table is process-wide (all accounts, presence and pager buddies too): leave
# room for the others; subscribe() refuses once the table holds MAX_BLF buddies.
RESERVED_BUDDIES = 16
MAX_BLF = native.MAX_BUDDIES - RESERVED_BUDDIES
PJ_ETOOMANY = 70010
log = logging.getLogger("tuiphone.sip.blf")


@dataclass(slots=True)
class _Watch:
    uri: str
    buddy: Any  # pj.Buddy: kept alive here, deleted (and unsubscribed) on drop
    buddy_id: int
    doc: DialogInfoDoc | None = None  # last full NOTIFY body of this subscription


def _parse(uri: str, body: bytes) -> DialogInfoDoc | None:
    """None (so pjsua's own one-dialog parse is used) when the body is not dialog-info."""
    try:
        return blf_body.parse(body)
    except ValueError as err:
        log.warning("BLF %s: %s", uri, err)
        return None


class BlfWatcher:
    """Dialog-event lamps of ``account``'s watched URIs.

    Raises BackendError at construction if the wheel is not the pinned one (the C
    structs would be wrong); a failed hook check only downgrades to polling.
    """

    def __init__(
        self,
        endpoint: pj.Endpoint,
        account: pj.Account,
        on_lamp: Callable[[Lamp], None],
        *,
        layout: HookLayout | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        try:
            check_versions(endpoint.libVersion().full)
        except LayoutError as err:
            raise BackendError(f"BLF unavailable: {err}") from err
        self._account = account
        self._on_lamp = on_lamp
        self._clock = clock
        self._watches: dict[str, _Watch] = {}
        self._by_id: dict[int, _Watch] = {}
        self._lamps: dict[str, Lamp] = {}
        self._check = ROUTER.attach(layout or HookLayout())
        self._closed = False
        self._owner = threading.get_ident()

    def _on_owner_thread(self) -> None:
        # pjsua aborts the process when called from an unregistered thread; fail politely.
        if threading.get_ident() != self._owner:
            raise BackendError("BlfWatcher used off the thread that owns the Endpoint")

    def self_check(self) -> SelfCheckResult:
        """How lamp changes are detected: "callback" (hook verified) or "poll"."""
        return self._check

    def lamps(self) -> dict[str, Lamp]:
        """The current lamp of every watched URI (a copy)."""
        return dict(self._lamps)

    def subscribe(self, uri: str) -> None:
        """Watch ``uri`` (idempotent). Emits an UNKNOWN lamp at once.

        Raises LimitExceeded when the wheel's buddy table would overflow, InvalidUri
        when pjsua rejects the URI, BackendError after close(), off the owner thread
        or on a struct mismatch.
        """
        self._on_owner_thread()
        if self._closed:
            raise BackendError("BlfWatcher is closed")
        if uri in self._watches:
            return
        if native.buddy_count() >= MAX_BLF:
            raise LimitExceeded(
                f"at most {MAX_BLF} BLF lamps ({native.MAX_BUDDIES} buddies in pjsua)"
            )
        watch = self._create(uri)
        self._watches[uri] = watch
        self._by_id[watch.buddy_id] = watch
        ROUTER.route(watch.buddy_id, self._refresh_id)
        self._publish(Lamp(uri, LampState.UNKNOWN))
        try:
            native.subscribe(watch.buddy_id, True)
        except native.NativeError as err:
            self._drop(uri)
            raise BackendError(f"dialog-event SUBSCRIBE to {uri} failed") from err

    def _create(self, uri: str) -> _Watch:
        cfg = pj.BuddyConfig()
        cfg.uri = uri
        cfg.subscribe = False
        buddy = pj.Buddy()
        try:
            buddy.create(self._account, cfg)
        except pj.Error as err:
            if err.status == PJ_ETOOMANY:
                raise LimitExceeded(f"pjsua buddy table full ({native.MAX_BUDDIES})") from None
            raise InvalidUri(f"{uri}: {err.reason}") from None
        watch = _Watch(uri, buddy, int(buddy.getId()))
        self._probe_struct(watch)
        return watch

    @staticmethod
    def _probe_struct(watch: _Watch) -> None:
        """The struct mirror must read back the id and URI pjsua2 just stored."""
        raw = native.read_info(watch.buddy_id)
        if raw.buddy_id != watch.buddy_id or raw.uri != watch.uri:
            raise BackendError(f"pjsua_buddy_dlg_event_info mismatch: {raw.buddy_id} {raw.uri!r}")

    def unsubscribe(self, uri: str) -> None:
        """Stop watching ``uri`` (unSUBSCRIBE, then delete the buddy). Idempotent."""
        self._on_owner_thread()
        if uri in self._watches:
            native.subscribe(self._watches[uri].buddy_id, False)
            self._drop(uri)

    def _drop(self, uri: str) -> None:
        watch = self._watches.pop(uri)
        self._by_id.pop(watch.buddy_id, None)
        ROUTER.unroute(watch.buddy_id)
        self._lamps.pop(uri, None)
        watch.buddy = None  # Buddy::~Buddy -> pjsua_buddy_del, on this thread

    def poll(self) -> int:
        """Re-read every lamp when in "poll" mode; returns how many changed. Cheap no-op
        in "callback" mode, so the owner may call it after every ``libHandleEvents``."""
        self._on_owner_thread()
        if self._check.mode == "callback":
            return 0
        return sum(self._refresh(w) for w in list(self._watches.values()))

    def close(self) -> None:
        """Unsubscribe all and release the hook. Call on the pjsip thread before the
        Account is shut down and before ``libDestroy``. Idempotent."""
        self._on_owner_thread()
        if self._closed:
            return
        for uri in list(self._watches):
            self.unsubscribe(uri)
        ROUTER.detach()
        self._closed = True

    def _refresh_id(self, buddy_id: int) -> None:
        watch = self._by_id.get(buddy_id)
        if watch is not None:
            self._refresh(watch)

    def _refresh(self, watch: _Watch) -> bool:
        body = ROUTER.take_body(watch.buddy_id)
        raw = native.read_info(watch.buddy_id)
        if raw.sub_state != SUB_ACTIVE:
            watch.doc = None  # a new subscription starts from its own first NOTIFY
        elif body is not None:
            watch.doc = _parse(watch.uri, body)
        lamp = to_lamp(watch.uri, raw, self._lamps.get(watch.uri), self._clock(), watch.doc)
        return self._publish(lamp)

    def _publish(self, lamp: Lamp) -> bool:
        if self._lamps.get(lamp.uri) == lamp:
            return False
        self._lamps[lamp.uri] = lamp
        try:
            self._on_lamp(lamp)
        except Exception:  # a consumer bug must not unwind into pjsua's C stack
            log.exception("on_lamp failed for %s", lamp.uri)
        return True
