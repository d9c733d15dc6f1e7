"""Registration policy: final-answer waits, failure causes, retry with back-off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from tuiphone.engine.bus import EventBus
from tuiphone.engine.state import LiveState
from tuiphone.model.account import AccountConfig, AccountState, RegState
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import NetworkError, SipError, Timeout, TuiphoneError, UsageError
from tuiphone.model.events import Event, RegistrationChanged

log = logging.getLogger("tuiphone.engine.registration")
_FINAL = (RegState.REGISTERED, RegState.FAILED, RegState.UNREGISTERED)
_NOTHING_TO_REMOVE = (RegState.FAILED, RegState.UNREGISTERED)
_NETWORK_HINTS = ("transport", "connect", "refused", "unreachable", "resolve", "tls", "cert")


def failure_error(state: AccountState) -> TuiphoneError:
    """Turn a FAILED registration into the exception a command should raise."""
    reason = state.reason or "registration failed"
    if state.code == 408:
        return Timeout(
            f"registering {state.id}: no answer from the registrar ({state.code} {reason})"
        )
    if state.code in (0, 502, 503) and any(h in reason.lower() for h in _NETWORK_HINTS):
        # the SIP stack made this status up itself: the reason is all there is to say
        return NetworkError(f"registering {state.id}: {reason}")
    return SipError(state.code, reason)


class Registrar:
    """Registration for a Phone; loop-thread only.

    pjsua's own automatic retry is replaced by ours so the interval grows
    (``backoff_s``, from ``EngineSetup.register_backoff_s``) instead of hammering a dead
    or misconfigured registrar; a success resets the back-off.
    """

    def __init__(self, backend: SipBackend, bus: EventBus, live: LiveState,
                 backoff_s: Sequence[float]) -> None:
        self._backend = backend
        self._bus = bus
        self._live = live
        self._backoff_s = tuple(backoff_s)
        self._wanted: dict[str, bool] = {}
        self._failures: dict[str, int] = {}
        self._retry: dict[str, asyncio.TimerHandle] = {}

    def initial_state(self, config: AccountConfig) -> AccountState:
        state = RegState.REGISTERING if config.registers else RegState.NONE
        return AccountState(id=config.id, uri=config.uri, reg_state=state)

    def track(self, config: AccountConfig) -> None:
        self._wanted[config.id] = config.registers
        if config.id not in self._live.accounts:
            self._live.accounts[config.id] = self.initial_state(config)

    def forget(self, account_id: str) -> None:
        self._wanted.pop(account_id, None)
        self._cancel_retry(account_id)

    def close(self) -> None:
        for account_id in list(self._retry):
            self._cancel_retry(account_id)
        self._wanted.clear()

    def on_event(self, event: Event) -> None:
        if not isinstance(event, RegistrationChanged):
            return
        acc = event.account
        if acc.reg_state is RegState.REGISTERED:
            self._failures[acc.id] = 0
            self._cancel_retry(acc.id)
        elif acc.reg_state is RegState.FAILED and self._wanted.get(acc.id):
            self._schedule_retry(acc.id)

    def _schedule_retry(self, account_id: str) -> None:
        if account_id in self._retry:
            return
        steps = self._backoff_s
        n = self._failures.get(account_id, 0)
        self._failures[account_id] = n + 1
        delay = steps[min(n, len(steps) - 1)]
        log.info("%s: registration failed, retrying in %g s", account_id, delay)
        loop = asyncio.get_running_loop()
        self._retry[account_id] = loop.call_later(delay, self._fire_retry, account_id)

    def _fire_retry(self, account_id: str) -> None:
        self._retry.pop(account_id, None)
        if self._wanted.get(account_id):
            task = asyncio.ensure_future(self._backend.set_registration(account_id, True))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def _cancel_retry(self, account_id: str) -> None:
        handle = self._retry.pop(account_id, None)
        if handle:
            handle.cancel()

    async def register(self, config: AccountConfig, timeout_s: float | None) -> AccountState:
        """Send REGISTER now and wait for the final answer.

        Raises UsageError for a direct account, SipError/NetworkError/Timeout on failure."""
        if not config.registers:
            raise UsageError(f"account {config.id!r} has no registrar (direct/IP mode)")
        self._wanted[config.id] = True
        self._cancel_retry(config.id)
        state = await self._send_and_wait(config.id, True, timeout_s)
        if state.reg_state is not RegState.REGISTERED:
            raise failure_error(state)
        return state

    async def unregister(self, config: AccountConfig) -> AccountState:
        """Remove the registration. An account whose last REGISTER failed, or that is
        unregistered already, has nothing to remove (pjsua would refuse with
        PJ_EINVALIDOP): its state is returned as it is."""
        if not config.registers:
            raise UsageError(f"account {config.id!r} has no registrar (direct/IP mode)")
        self._wanted[config.id] = False
        self._cancel_retry(config.id)
        current = self._live.accounts.get(config.id)
        if current is not None and current.reg_state in _NOTHING_TO_REMOVE:
            return current
        return await self._send_and_wait(config.id, False, 10.0)

    async def _send_and_wait(
        self, account_id: str, register: bool, timeout_s: float | None
    ) -> AccountState:
        def final(ev: Event) -> bool:
            return (
                isinstance(ev, RegistrationChanged)
                and ev.account.id == account_id
                and ev.account.reg_state in _FINAL
            )

        waiter = self._bus.waiter(final)
        current = self._live.accounts.get(account_id)
        in_flight = current is not None and current.reg_state is RegState.REGISTERING
        # pjsua refuses a second REGISTER while one is pending (PJSIP_EBUSY): join it.
        if not (register and in_flight):
            try:
                await self._backend.set_registration(account_id, register)
            except BaseException:
                waiter.cancel()  # nothing was sent: no answer to wait for
                raise
        try:
            event = await asyncio.wait_for(waiter, timeout_s)
        except TimeoutError as err:
            doing = "registering" if register else "unregistering"
            raise Timeout(f"{doing} {account_id}: no final answer within {timeout_s:g} s") from err
        assert isinstance(event, RegistrationChanged)
        return event.account
