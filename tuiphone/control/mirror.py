"""A local copy of a remote engine's state, kept current from its event stream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from tuiphone.control.subscription import Subscription
from tuiphone.engine.api import PhoneState
from tuiphone.engine.state import LiveState
from tuiphone.model.errors import Timeout


class Mirror:
    def __init__(self, subscription: Subscription, snapshot: PhoneState) -> None:
        self._sub = subscription
        self._base = snapshot
        self._live = LiveState(
            accounts={a.id: a for a in snapshot.accounts},
            calls={c.id: c for c in snapshot.calls},
            mwi={m.account_id: m for m in snapshot.mwi},
            routes={r.account_id: r for r in snapshot.routes},
            dnd=snapshot.dnd,
        )
        self._changed = asyncio.Condition()
        self._task = asyncio.ensure_future(self._follow())

    @classmethod
    async def open(cls, subscription: Subscription) -> Mirror:
        return cls(subscription, await subscription.wait_ready())

    async def _follow(self) -> None:
        async for event in self._sub:
            self._live.apply(event)
            async with self._changed:
                self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[PhoneState], bool], timeout_s: float) -> None:
        """Return once ``predicate(state())`` holds. Raises Timeout."""
        try:
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: predicate(self.state())), timeout_s)
        except TimeoutError:
            raise Timeout(f"the engine state did not change within {timeout_s:g} s") from None

    def state(self) -> PhoneState:
        b = self._base
        return self._live.snapshot(b.audio_mode, b.default_account, b.echo_uri)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        await self._sub.aclose()
