"""LampHub: every account's BLF and presence subscriptions, on the pjsip thread.

One BlfWatcher per account (created on first use), one PresenceBuddy per presence
URI. Lamp callbacks may run while pjsua holds a lock: they only merge dictionaries
and hand the lamp to the engine loop with ``core.emit`` (never a pjsua2 call).
Teardown: ``close()`` before the accounts are shut down and before libDestroy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.errors import InvalidUri, LimitExceeded
from tuiphone.model.events import LampChanged
from tuiphone.model.lamp import Lamp, LampState
from tuiphone.sip.errors import convert
from tuiphone.sip.presence import PresenceBuddy, merge, status_for
from tuiphone.sip.uri import check_uri

if TYPE_CHECKING:
    from tuiphone.sip.blf.watcher import BlfWatcher
    from tuiphone.sip.core import Core

log = logging.getLogger("tuiphone.sip.lamps")


class _AccountLamps:
    """One account's watchers and the last lamp of each kind per URI."""

    def __init__(self) -> None:
        self.watcher: BlfWatcher | None = None
        self.buddies: dict[str, PresenceBuddy] = {}
        self.blf: dict[str, Lamp] = {}
        self.pres: dict[str, Lamp] = {}
        self.shown: dict[str, Lamp] = {}  # last merged lamp emitted per URI


class LampHub:
    def __init__(self, core: Core) -> None:
        self.core = core
        self._accounts: dict[str, _AccountLamps] = {}

    def _of(self, account_id: str) -> _AccountLamps:
        return self._accounts.setdefault(account_id, _AccountLamps())

    def _lamp(self, account_id: str, uri: str, blf: Lamp | None, pres: Lamp | None) -> None:
        """Record a changed lamp (any thread pjsua calls back on) and emit the merge."""
        acc = self._of(account_id)
        if blf is not None:
            acc.blf[uri] = blf
        if pres is not None:
            acc.pres[uri] = pres
        lamp = merge(acc.blf.get(uri), acc.pres.get(uri))
        if lamp is not None and acc.shown.get(uri) != lamp:
            acc.shown[uri] = lamp
            self.core.emit(LampChanged(lamp))

    def subscribe(self, account_id: str, uris: Sequence[str], blf: bool, presence: bool) -> None:
        """Raises LimitExceeded when the buddy table is full; bad URIs get FAILED lamps."""
        self.core.account(account_id)
        for uri in uris:
            try:
                check_uri(self.core.stack.ep, uri)
                if blf:
                    self._blf_watcher(account_id).subscribe(uri)
                if presence:
                    self._presence(account_id, uri)
            except InvalidUri as err:
                self.core.emit(LampChanged(Lamp(uri, LampState.FAILED, reason=str(err))))

    def _blf_watcher(self, account_id: str) -> BlfWatcher:
        acc = self._of(account_id)
        if acc.watcher is None:
            from tuiphone.sip.blf.watcher import BlfWatcher  # ctypes BLF: on the first lamp

            pj_acc = self.core.account(account_id)

            def on_lamp(lamp: Lamp) -> None:
                self._lamp(account_id, lamp.uri, lamp, None)

            acc.watcher = BlfWatcher(self.core.stack.ep, pj_acc, on_lamp)
            self.core.poll_hooks.append(acc.watcher.poll)  # type: ignore[arg-type]
        return acc.watcher

    def _presence(self, account_id: str, uri: str) -> None:
        acc = self._of(account_id)
        if uri in acc.buddies:
            return
        from tuiphone.sip.blf import native
        from tuiphone.sip.blf.watcher import MAX_BLF

        if native.buddy_count() >= MAX_BLF:
            raise LimitExceeded(f"at most {MAX_BLF} lamps ({native.MAX_BUDDIES} pjsua buddies)")
        buddy = PresenceBuddy(uri, lambda lamp: self._lamp(account_id, uri, None, lamp))
        cfg = pj.BuddyConfig()
        cfg.uri = uri
        cfg.subscribe = True
        try:
            buddy.create(self.core.account(account_id), cfg)
        except pj.Error as err:
            raise convert(err, f"presence SUBSCRIBE to {uri}") from None
        acc.buddies[uri] = buddy
        self._lamp(account_id, uri, None, Lamp(uri, LampState.UNKNOWN))

    def unsubscribe(self, account_id: str, uris: Sequence[str]) -> None:
        acc = self._accounts.get(account_id)
        if acc is None:
            return
        for uri in uris:
            if acc.watcher is not None:
                acc.watcher.unsubscribe(uri)
            acc.buddies.pop(uri, None)  # Buddy.~Buddy: unSUBSCRIBE and delete
            acc.blf.pop(uri, None)
            acc.pres.pop(uri, None)
            acc.shown.pop(uri, None)

    def set_presence(self, account_id: str, state: str, note: str) -> None:
        status = status_for(state, note)
        try:
            self.core.account(account_id).setOnlineStatus(status)
        except pj.Error as err:
            raise convert(err, f"publishing presence of {account_id}") from None

    def forget_account(self, account_id: str) -> None:
        """Drop an account's subscriptions (before the account is shut down)."""
        acc = self._accounts.pop(account_id, None)
        if acc is None:
            return
        if acc.watcher is not None:
            hooks: list[object] = list(self.core.poll_hooks)
            if acc.watcher.poll in hooks:
                self.core.poll_hooks.remove(acc.watcher.poll)  # type: ignore[arg-type]
            acc.watcher.close()
        acc.buddies.clear()

    def close(self) -> None:
        for account_id in list(self._accounts):
            self.forget_account(account_id)
