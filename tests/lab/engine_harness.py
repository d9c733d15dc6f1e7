"""Run the real engine (Phone over PjBackend) against the lab: accounts, a phone
factory fixture and an event watcher with bounded waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest

from tests.lab.kamailio import USERS, Kamailio
from tuiphone.model.account import AccountConfig, Transport
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, Event, RegistrationChanged

WAIT_S = 30.0


def lab_account(
    kam: Kamailio,
    user: str,
    *,
    transport: Transport = Transport.UDP,
    expires: int = 60,
    **kwargs: Any,
) -> AccountConfig:
    """``user`` registering at ``kam`` and sending everything through it (outbound proxy)."""
    tp = ";transport=tcp" if transport is Transport.TCP else ""
    return AccountConfig(
        id=user,
        uri=f"sip:{user}@{kam.domain}",
        registrar=f"sip:{kam.host}:{kam.port}{tp}",
        proxy=(f"sip:{kam.host}:{kam.port};lr{tp}",),
        username=user,
        transport=transport,
        register_expires=expires,
        **kwargs,
    )


def direct_account(user: str = "tester") -> AccountConfig:
    """A direct-IP account (no registrar, no proxy): the trunk-test shape."""
    return AccountConfig(id=user, uri=f"sip:{user}@127.0.0.1")


class Watch:
    """One events() subscription taken before acting, so nothing is missed.

    Events that did not match an earlier ``wait`` stay pending for later ones, so
    the order of two awaited events does not matter.
    """

    def __init__(self, phone: Any) -> None:
        self._sub = phone.events()
        self._pending: list[Event] = []
        self.seen: list[Event] = []

    async def wait(self, match: Callable[[Event], bool], timeout_s: float = WAIT_S) -> Event:
        """The first pending or next event matching ``match``; raises TimeoutError."""
        for i, ev in enumerate(self._pending):
            if match(ev):
                return self._pending.pop(i)
        try:
            return await asyncio.wait_for(self._next(match), timeout_s)
        except TimeoutError as err:
            kinds = [type(e).__name__ for e in self.seen[-20:]]
            raise TimeoutError(f"no matching event in {timeout_s}s; last seen {kinds}") from err

    async def _next(self, match: Callable[[Event], bool]) -> Event:
        async for ev in self._sub:
            self.seen.append(ev)
            if match(ev):
                return ev
            self._pending.append(ev)
        raise TimeoutError("the phone stopped")

    async def registered(self, account_id: str, timeout_s: float = WAIT_S) -> Event:
        return await self.wait(lambda e: _reg(e, account_id, "registered"), timeout_s)

    async def failed(self, account_id: str, timeout_s: float = WAIT_S) -> Event:
        return await self.wait(lambda e: _reg(e, account_id, "failed"), timeout_s)

    async def settled(self, phone: Any, account_id: str, timeout_s: float = WAIT_S) -> Any:
        """The account's first final registration state after start (REGISTERED or FAILED).

        Create the Watch right after ``start()`` returns: the state check then covers
        answers that arrived during start, the subscription everything later.
        """
        for acc in phone.state().accounts:
            if acc.id == account_id and acc.reg_state.value in ("registered", "failed"):
                return acc
        ev = await self.wait(
            lambda e: _reg(e, account_id, "registered") or _reg(e, account_id, "failed"),
            timeout_s,
        )
        return ev.account  # type: ignore[union-attr]

    async def call_state(self, call_id: str, state: CallState, timeout_s: float = WAIT_S) -> Any:
        """The CallInfo of ``call_id`` once it reaches ``state`` (or ENDED: then fail fast)."""
        ev = await self.wait(
            lambda e: (
                isinstance(e, CallChanged)
                and e.call.id == call_id
                and e.call.state in (state, CallState.ENDED)
            ),
            timeout_s,
        )
        assert isinstance(ev, CallChanged)
        if ev.call.state is not state:
            raise AssertionError(f"call ended with {ev.call.code} {ev.call.reason}, not {state}")
        return ev.call


def _reg(ev: Event, account_id: str, state: str) -> bool:
    return (
        isinstance(ev, RegistrationChanged)
        and ev.account.id == account_id
        and ev.account.reg_state.value == state
    )


@pytest.fixture
async def phone_factory() -> AsyncIterator[Callable[..., Any]]:
    """``await make(*accounts, passwords=None, **setup_kwargs) -> Phone`` (started).

    Passwords default to the lab's (``<user>pw``). Every phone is stopped at teardown.
    One pjsua2 Endpoint per process, so use one phone per test.
    """
    from tuiphone.engine.phone import Phone
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.sip import PjBackend

    phones: list[Any] = []

    async def make(
        *accounts: AccountConfig, passwords: Mapping[str, str] | None = None, **kwargs: Any
    ) -> Any:
        table = dict(USERS) | dict(passwords or {})
        kwargs.setdefault("echo_line", False)
        kwargs.setdefault("routing", True)
        setup = EngineSetup(accounts=accounts, passwords=table.get, **kwargs)
        phone = Phone(setup, PjBackend())
        phones.append(phone)
        await phone.start()
        return phone

    yield make
    for phone in reversed(phones):
        await phone.stop()


async def eventually(
    probe: Callable[[], Any], check: Callable[[Any], bool], timeout_s: float = WAIT_S
) -> Any:
    """Await ``probe()`` until ``check`` accepts its result; bounded.

    For values the engine exposes only by polling (RTP stats have no event); the
    0.1 s pause paces the polling, it is not what the test waits for.
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        value = await probe()
        if check(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"condition not met in {timeout_s}s; last value {value!r}")
        await asyncio.sleep(0.1)
