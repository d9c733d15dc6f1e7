"""Smart Contacts: which address-book contacts are users on our own SIP provider.

Off unless the default account's ``features.smart_contacts`` is true: probing tells the
provider whom we know, so with the feature off not one OPTIONS is sent. When on, once
the book has loaded (and the account has registered, if it registers), every contact's
candidate addresses are probed with OPTIONS through that account:

- its SIP URIs whose host is the account's domain, sent to ``user@<account domain>``;
- its phone numbers (not fax/pager) dialled at the account's domain, as a call would be.

Addresses at any other host are never probed, and nothing else leaves the machine: no
address book is uploaded anywhere, only one OPTIONS per address goes to the server the
account already calls through. Probes run one at a time, at most ``rate_per_s`` per
second; answers are kept ``ttl_s`` (24 h) in a ``ReachabilityCache`` and a pass over the
book is repeated every ``rescan_s``, probing only what has expired.

Answer codes: 2xx, 405, 480, 486 mean a user agent exists (on-net); 404, 410, 604 mean
it does not; anything else, a timeout or a network error is "unknown" (retried after
``unknown_ttl_s``). A contact is on-net when any address is, off-net when every address
answered "no". Caveat: a provider that forwards unknown numbers to a PSTN gateway may
answer 2xx for every number; its SIP URIs stay reliable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tuiphone.contacts.reachability import ReachabilityCache
from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.bus import EventBus
from tuiphone.engine.callerid import CallerId
from tuiphone.engine.dialstring import parse_dial
from tuiphone.engine.state import LiveState
from tuiphone.engine.tasks import cancel_and_wait
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import NotFound, TuiphoneError
from tuiphone.model.events import Notice, RegistrationChanged, SmartContactChanged

if TYPE_CHECKING:
    from tuiphone.contacts import Contact

Sleep = Callable[[float], Awaitable[None]]

ON_NET = frozenset({405, 480, 486})
OFF_NET = frozenset({404, 410, 604})
_SKIP_KINDS = frozenset({"fax", "pager"})


class Inconclusive(TuiphoneError):
    """An OPTIONS answer that says nothing about the user (403, 5xx...)."""


def on_net(code: int) -> bool | None:
    """True: a user agent exists; False: no such user; None: the answer says neither."""
    if 200 <= code < 300 or code in ON_NET:
        return True
    if code in OFF_NET:
        return False
    return None


def _domain(acc: AccountConfig) -> str:
    """'host[:port]' of the account's URI."""
    rest = acc.uri.strip("<>").split(":", 1)[-1].split(";", 1)[0]
    return rest.rpartition("@")[2]


def _host(hostport: str) -> str:
    if hostport.startswith("["):
        return hostport.split("]", 1)[0].lstrip("[").lower()
    return hostport.rsplit(":", 1)[0].lower() if hostport.count(":") == 1 else hostport.lower()


def _user_host(uri: str) -> tuple[str, str] | None:
    bare = uri.strip().strip("<>")
    scheme, sep, rest = bare.partition(":")
    if not sep or scheme.lower() not in ("sip", "sips"):
        return None
    user, at, hostport = rest.split(";", 1)[0].split("?", 1)[0].rpartition("@")
    return (user, _host(hostport)) if at and user and hostport else None


def candidates(contact: Contact, acc: AccountConfig, limit: int = 4) -> list[str]:
    """The URIs to probe for ``contact`` at ``acc``'s domain, SIP URIs first, no dupes."""
    domain = _domain(acc)
    host = _host(domain)
    found: list[str] = []

    def add(uri: str) -> None:
        parts = _user_host(uri)
        if parts is None or parts[1] != host:
            return
        probe = f"sip:{parts[0]}@{domain}"
        if probe not in found:
            found.append(probe)

    for sip in contact.sips:
        add(sip)
    for phone in contact.phones:
        if phone.kind in _SKIP_KINDS or phone.types & _SKIP_KINDS:
            continue
        try:
            add(parse_dial(phone.number, domain).uri)
        except TuiphoneError:
            continue
    return found[:limit]


class SmartContacts:
    """Owned by ``Phone``; runs on its loop. ``start`` does nothing when the feature is off."""

    def __init__(
        self,
        backend: SipBackend,
        bus: EventBus,
        live: LiveState,
        callerid: CallerId,
        accounts: AccountBook,
        *,
        rate_per_s: float = 2.0,
        ttl_s: float = 24 * 3600.0,
        unknown_ttl_s: float = 1800.0,
        rescan_s: float = 3600.0,
        timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._backend = backend
        self._bus = bus
        self._live = live
        self._callerid = callerid
        self._accounts = accounts
        self._rate = rate_per_s
        self._rescan = rescan_s
        self._timeout = timeout_s
        self._sleep = sleep
        self.cache = ReachabilityCache(
            self._probe,
            ttl_s=ttl_s,
            unknown_ttl_s=unknown_ttl_s,
            rate_per_s=rate_per_s,
            burst=1,
            clock=clock,
        )
        self._verdicts: dict[str, bool] = {}  # contact key -> on-net
        self._task: asyncio.Task[None] | None = None
        self._scanned: asyncio.Event = asyncio.Event()
        self.probes = 0  # OPTIONS sent, for diagnostics and tests

    def account(self) -> AccountConfig | None:
        """The default account when its ``features.smart_contacts`` is on, else None."""
        try:
            acc = self._accounts.account(None)
        except NotFound:
            return None
        return acc if acc.features.smart_contacts else None

    def start(self) -> None:
        if self.account() is not None and self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def close(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def verdicts(self) -> dict[str, bool]:
        """Contact key -> on-net, for the contacts with a known answer."""
        return dict(self._verdicts)

    async def scanned(self) -> None:
        """Wait until the first full pass over the book has finished."""
        await self._scanned.wait()

    async def _run(self) -> None:
        await self._callerid.ready()
        while True:
            try:
                await self.scan()
            except asyncio.CancelledError:
                raise
            except Exception as err:  # noqa: BLE001 - a failed pass must not end the loop
                self._bus.publish(Notice("warning", f"smart contacts: {err}"))
            finally:
                self._scanned.set()
            await self._sleep(self._rescan)

    async def scan(self) -> None:
        """One pass over the book, probing only expired addresses. No-op when off."""
        acc = self.account()
        book = self._callerid.book
        if acc is None or book is None:
            return
        await self._registered(acc)
        contacts = book.index.contacts
        keys = {c.key for c in contacts}
        for key in [k for k in self._verdicts if k not in keys]:
            del self._verdicts[key]
        for contact in contacts:
            await self._judge(contact, acc)

    async def _registered(self, acc: AccountConfig) -> None:
        """Providers challenge or drop OPTIONS from unregistered UAs: wait for REGISTERED."""
        if not acc.registers:
            return
        while True:
            state = self._live.accounts.get(acc.id)
            if state is not None and state.reg_state is RegState.REGISTERED:
                return
            await self._bus.waiter(
                lambda ev: isinstance(ev, RegistrationChanged) and ev.account.id == acc.id
            )

    async def _judge(self, contact: Contact, acc: AccountConfig) -> None:
        answers: list[bool | None] = []
        for uri in candidates(contact, acc):
            answers.append(await self._answer(uri))
            if answers[-1]:
                break  # one on-net address is enough; spare the others a probe
        verdict = True if any(answers) else (False if answers and all(
            a is False for a in answers) else None)
        old = self._verdicts.get(contact.key)
        if verdict is None:
            return  # unknown keeps the last known verdict until the next pass
        self._verdicts[contact.key] = verdict
        if old is not verdict:
            self._bus.publish(SmartContactChanged(contact.key, verdict))

    async def _answer(self, uri: str) -> bool | None:
        """The cached answer for ``uri``, probing (and waiting for the rate limit) if needed."""
        while True:
            entry = self.cache.get(uri)
            if entry is not None:
                return entry.reachable
            await self.cache.check(uri)
            entry = self.cache.get(uri)
            if entry is not None:
                return entry.reachable
            await self._sleep(1.0 / self._rate)  # refused by the token bucket

    async def _probe(self, uri: str) -> bool:
        acc = self.account()
        if acc is None:  # switched off since the pass began: send nothing
            raise Inconclusive("smart contacts are off")
        self.probes += 1
        result = await self._backend.ping(acc.id, self._accounts.route_local(uri), self._timeout)
        verdict = on_net(result.code)
        if verdict is None:
            raise Inconclusive(f"OPTIONS {uri}: {result.code} {result.reason}")
        return verdict
