"""Re-provisioning in a serving engine (the daemon, the TUI): at start, then every N hours.

N is ``[provisioning] interval`` (hours), else the provider's interval (``extProvInterval``
/ the fragment's ``interval``); with neither, only at start. A failure (server down,
slow, garbage) keeps the last good values, is said once as a Notice (the TUI's status
bar) and in ``provision status``, and is retried with back-off: 1, 2, 4 … minutes, never
later than the next regular time. An account whose values changed is re-registered
alone: removed from the engine and added again with the new values (and the new
password from the secret store), after its calls in progress have ended.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from tuiphone.model.events import Notice

if TYPE_CHECKING:
    from tuiphone.config.schema import AppConfig
    from tuiphone.engine.phone import Phone

log = logging.getLogger("tuiphone.provision")
FIRST_RETRY_S = 60.0
MIN_INTERVAL_S = 60.0  # a provider's tiny interval does not turn into a busy loop


def next_delay(ok: bool, retry: float, first_retry: float, interval: float | None
               ) -> tuple[float | None, float]:
    """Seconds until the next round (None: no more rounds) and the next back-off.

    After success: the interval (None without one), and the back-off starts over. After a
    failure: the back-off, doubled each time, never later than the interval."""
    if ok:
        return interval, first_retry
    return min(retry, interval or retry), retry * 2


class Reprovisioner:
    """One task per serving engine; ``start`` once, ``stop`` at release."""

    def __init__(self, phone: Phone, config: AppConfig, first_retry_s: float = FIRST_RETRY_S
                 ) -> None:
        self.phone, self.config = phone, config
        self.path = str(config.source) if config.source is not None else None
        self.first_retry_s = first_retry_s
        self.task: asyncio.Task[None] | None = None
        self.failing: set[str] = set()
        self.asked: set[str] = set()  # accounts whose waiting features were announced
        self.passes = 0  # completed rounds, for tests and status

    def start(self) -> None:
        from tuiphone.provision import state

        if state.accounts():
            self.task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    def _interval_s(self) -> float | None:
        from tuiphone.provision import state

        hours = self.config.provisioning.interval_hours
        if hours:
            return hours * 3600.0
        given = [state.read(a).get("interval_s") for a in state.accounts()]
        seconds = [float(s) for s in given if isinstance(s, int | float) and s > 0]
        return max(min(seconds), MIN_INTERVAL_S) if seconds else None

    async def _loop(self) -> None:
        retry = self.first_retry_s
        while True:
            ok = await self.round()
            delay, retry = next_delay(ok, retry, self.first_retry_s, self._interval_s())
            if delay is None:
                return
            await asyncio.sleep(delay)  # the schedule itself, not a synchronisation

    async def round(self) -> bool:
        """Re-provision every account once; False if any failed."""
        from tuiphone.model.errors import TuiphoneError
        from tuiphone.provision import state
        from tuiphone.provision.refresh import refresh

        ok = True
        for account_id in state.accounts():
            try:
                result = await refresh(self.path, account_id)
            except (TuiphoneError, OSError) as err:
                ok = False
                if account_id not in self.failing:  # said once, until it works again
                    self.failing.add(account_id)
                    self._notice("warning", f"provisioning {account_id}: {err}; keeping "
                                            "the last good values")
                continue
            if account_id in self.failing:
                self.failing.discard(account_id)
                self._notice("info", f"provisioning {account_id}: works again")
            waiting = [p for a in result.get("accounts", []) for p in a.get("pending", [])]
            if waiting and account_id not in self.asked:
                self.asked.add(account_id)
                self._notice("warning", f"provisioning {account_id}: {len(waiting)} data "
                                        "feature(s) wait for your consent: provision status")
            if not result.get("not_modified"):
                await self._apply(account_id)
        self.passes += 1
        return ok

    async def _calls_ended(self, account_id: str) -> None:
        def busy() -> bool:
            return any(c.account_id == account_id for c in self.phone.state().calls)

        if not busy():
            return
        async for _event in self.phone.events():
            if not busy():
                return

    def _notice(self, level: str, text: str) -> None:
        self.phone.bus.publish(Notice(level, text))

    async def _apply(self, account_id: str) -> None:
        """Swap the account's config in the engine if it changed; only that account."""
        from tuiphone.config.loader import load_config
        from tuiphone.model.errors import TuiphoneError

        try:
            fresh = await asyncio.to_thread(load_config, self.path)
        except Exception as err:  # noqa: BLE001 - a bad config must not stop the engine
            self._notice("warning", f"provisioning {account_id}: not applied: {err}")
            return
        new = fresh.account(account_id)
        old = self.phone.accounts.configs.get(account_id)
        if new is None or old is None:
            if new is not None:
                self._notice("info", f"provisioning: account {account_id} is new; it is "
                                     "added at the next start")
            return
        if new == old:
            return
        await self._calls_ended(account_id)  # calls in progress are never dropped
        try:
            state = await self.phone.replace_account(new)
        except TuiphoneError as err:
            self._notice("warning", f"provisioning {account_id}: new values applied, but "
                                    f"registering failed: {err}")
            return
        log.info("provisioning: %s re-added with its new values (%s)", account_id,
                 state.reg_state.value)
