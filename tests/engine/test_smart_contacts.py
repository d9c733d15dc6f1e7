"""Smart Contacts: on-net discovery by OPTIONS, off by default, rate-limited and cached."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.support.vdir import write_vdir
from tuiphone.config.schema import AppConfig, ContactsConfig, EngineConfig
from tuiphone.contacts import ContactBook, Origin, VdirSource, parse_bytes
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.smart_contacts import SmartContacts, candidates, on_net
from tuiphone.host.build import build_phone
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.backend import PingResult
from tuiphone.model.codec import event_from_jsonable, event_to_jsonable
from tuiphone.model.events import Event, SmartContactChanged

SMART = Features(smart_contacts=True)
ME = AccountConfig(id="me", uri="sip:me@127.0.0.1", features=SMART)
ME_OFF = AccountConfig(id="me", uri="sip:me@127.0.0.1")


def card(uid: str, fn: str, *lines: str) -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{fn}\r\n{body}END:VCARD\r\n"


CARDS = {
    "carol": card("carol-1", "Carol", "IMPP:sip:carol@127.0.0.1"),
    "nobody": card("nobody-1", "Nobody", "IMPP:sip:nobody@127.0.0.1"),
    "dave": card("dave-1", "Dave", "TEL;TYPE=cell:+49 30 555 01"),
    "eve": card("eve-1", "Eve", "IMPP:sip:eve@elsewhere.example", "EMAIL:eve@x.test"),
}


class CountingBackend(FakeBackend):
    """The fake SIP world (``nobody`` answers 404) that records every OPTIONS."""

    def __init__(self, clock: Callable[[], float] = lambda: 0.0) -> None:
        super().__init__()
        self.pings: list[tuple[float, str]] = []
        self.clock = clock
        self.codes: dict[str, tuple[int, str]] = {}

    async def ping(self, account_id: str, uri: str, timeout_s: float) -> PingResult:
        self.pings.append((self.clock(), uri))
        user = uri.split(":", 1)[1].split("@", 1)[0]
        if user in self.codes:
            return PingResult(*self.codes[user], 0.1)
        return await super().ping(account_id, uri, timeout_s)


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def contacts_dir(tmp_path: Path) -> Path:
    return write_vdir(tmp_path / "contacts", {f"{n}.vcf": text for n, text in CARDS.items()})


async def started(account: AccountConfig, contacts_dir: Path, backend: FakeBackend,
                  tmp_path: Path) -> Phone:
    config = AppConfig(
        accounts=(account,),
        engine=EngineConfig(echo_line=False),
        contacts=ContactsConfig(default_region="DE", vdirs=(str(contacts_dir),)),
    )
    phone = build_phone(config, backend=backend, db_path=tmp_path / "t.db")
    await phone.start()
    await phone.callerid.ready()
    return phone


@pytest.fixture
async def smart_phone(contacts_dir: Path, tmp_path: Path) -> AsyncIterator[Phone]:
    phone = await started(ME, contacts_dir, CountingBackend(), tmp_path)
    yield phone
    await phone.stop()


async def test_marks_on_net_contacts_and_announces_them(
    contacts_dir: Path, tmp_path: Path
) -> None:
    backend = CountingBackend()
    config = AppConfig(
        accounts=(ME,),
        engine=EngineConfig(echo_line=False),
        contacts=ContactsConfig(default_region="DE", vdirs=(str(contacts_dir),)),
    )
    phone = build_phone(config, backend=backend, db_path=tmp_path / "t.db")
    events = phone.events()
    await phone.start()
    try:
        await asyncio.wait_for(phone.smart.scanned(), 10)
        expected = {"carol-1": True, "nobody-1": False, "dave-1": True}
        assert await phone.smart_contacts() == expected
        # only the account's own domain is ever asked; eve's foreign host is not
        assert sorted(uri for _, uri in backend.pings) == [
            "sip:+493055501@127.0.0.1", "sip:carol@127.0.0.1", "sip:nobody@127.0.0.1"]
        seen: dict[str, bool] = {}
        while len(seen) < len(expected):
            event: Event = await asyncio.wait_for(anext(events), 5)
            if isinstance(event, SmartContactChanged):
                seen[event.contact_id] = event.on_net
        assert seen == expected
    finally:
        await phone.stop()


async def test_feature_off_sends_not_one_options(contacts_dir: Path, tmp_path: Path) -> None:
    backend = CountingBackend()
    phone = await started(ME_OFF, contacts_dir, backend, tmp_path)
    try:
        assert len(phone.callerid.book.index.contacts) == 4  # type: ignore[union-attr]
        await phone.smart.scan()  # even an explicit pass does nothing
        assert await phone.smart_contacts() == {}
        assert backend.pings == []
        assert phone.smart.probes == 0
    finally:
        await phone.stop()


async def test_rate_limited_cached_and_expiring(smart_phone: Phone) -> None:
    backend = smart_phone.backend
    assert isinstance(backend, CountingBackend)
    await asyncio.wait_for(smart_phone.smart.scanned(), 10)
    await smart_phone.smart.close()
    clock = FakeTime()
    backend.clock = clock
    backend.pings.clear()
    smart = SmartContacts(
        *collaborators(smart_phone), rate_per_s=2.0, ttl_s=24 * 3600.0, clock=clock,
        sleep=clock.sleep,
    )
    await smart.scan()
    times = [t for t, _ in backend.pings]
    assert len(times) == 3
    assert all(b - a >= 0.5 for a, b in zip(times, times[1:], strict=False))  # <= 2 probes/s
    assert smart.verdicts() == {"carol-1": True, "nobody-1": False, "dave-1": True}
    await smart.scan()  # everything cached: nothing sent
    assert len(backend.pings) == 3
    clock.now += 24 * 3600.0 + 1  # a day later the answers have expired
    await smart.scan()
    assert len(backend.pings) == 6


async def test_inconclusive_answers_keep_no_verdict(smart_phone: Phone) -> None:
    backend = smart_phone.backend
    assert isinstance(backend, CountingBackend)
    await asyncio.wait_for(smart_phone.smart.scanned(), 10)
    await smart_phone.smart.close()
    backend.codes = {"carol": (503, "Service Unavailable"), "nobody": (480, "Unavailable")}
    smart = SmartContacts(*collaborators(smart_phone), rate_per_s=1000.0)
    await smart.scan()
    # carol: 503 says nothing; nobody: 480 means a UA exists (just away)
    assert smart.verdicts() == {"nobody-1": True, "dave-1": True}


async def test_remote_phone_and_event_over_the_socket(smart_phone: Phone) -> None:
    from tuiphone.control import ControlServer, RemotePhone, socket_path

    await asyncio.wait_for(smart_phone.smart.scanned(), 10)
    server = ControlServer(smart_phone, socket_path())
    await server.start()
    remote = await RemotePhone.connect()
    try:
        assert await remote.smart_contacts() == await smart_phone.smart_contacts()
    finally:
        await remote.close()
        await server.close()
    event = SmartContactChanged("carol-1", True)
    assert event_from_jsonable(event_to_jsonable(event)) == event


@pytest.mark.parametrize(
    ("code", "verdict"),
    [(200, True), (202, True), (405, True), (480, True), (486, True),
     (404, False), (604, False), (410, False), (403, None), (408, None), (503, None)],
)
def test_answer_codes(code: int, verdict: bool | None) -> None:
    assert on_net(code) is verdict


def test_candidates_stay_on_the_account_domain() -> None:
    text = card(
        "x", "X",
        "IMPP:sip:xavier@127.0.0.1:5070",
        "IMPP:sip:xavier@127.0.0.1",
        "IMPP:sip:xavier@other.example",
        "TEL;TYPE=fax:+49 30 1",
        "TEL;TYPE=work:030 2",
        "TEL:sip:x2@other.example",
    )
    (contact,) = parse_bytes(text.encode(), Origin("b", "x.vcf")).contacts
    acc = AccountConfig(id="a", uri="sip:me@127.0.0.1:5070")
    assert candidates(contact, acc) == ["sip:xavier@127.0.0.1:5070", "sip:0302@127.0.0.1:5070"]


def test_book_api_used_is_public(contacts_dir: Path) -> None:
    book = ContactBook([VdirSource("t", contacts_dir)], region="DE")
    book.load()
    assert {c.key for c in book.index.contacts} == {"carol-1", "nobody-1", "dave-1", "eve-1"}


@pytest.fixture
def local_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "other.vcf").write_text(card("other-1", "Other", "IMPP:sip:other@127.0.0.1"))
    (folder / "mail.vcf").write_text(card("mail-1", "Mail only", "EMAIL:m@x.test"))
    return folder


@pytest.mark.pjsua
async def test_real_backend_two_local_accounts(local_dir: Path, tmp_path: Path) -> None:
    """pjsua answers OPTIONS itself; ``other`` is reached at its contact (route_local)."""
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.sip import PjBackend

    local = AccountConfig(id="local", uri="sip:me@127.0.0.1", features=SMART)
    other = AccountConfig(id="other", uri="sip:other@127.0.0.1")
    phone = Phone(EngineSetup(accounts=(local, other), db_path=tmp_path / "t.db"), PjBackend())

    def open_book() -> ContactBook:
        book = ContactBook([VdirSource("t", local_dir)], region="DE")
        book.load()
        return book

    phone.attach_contacts(open_book)
    await phone.start()
    try:
        await asyncio.wait_for(phone.smart.scanned(), 20)
        assert await phone.smart_contacts() == {"other-1": True}
        assert phone.smart.probes == 1
    finally:
        await phone.stop()


async def test_registering_account_probes_once_registered(
    contacts_dir: Path, tmp_path: Path
) -> None:
    from tuiphone.model.account import RegState

    backend = CountingBackend()
    acc = AccountConfig(id="me", uri="sip:me@127.0.0.1", registrar="sip:127.0.0.1",
                        features=SMART)
    phone = await started(acc, contacts_dir, backend, tmp_path)
    try:
        await asyncio.wait_for(phone.smart.scanned(), 10)
        assert phone.live.accounts["me"].reg_state is RegState.REGISTERED
        assert len(await phone.smart_contacts()) == 3
    finally:
        await phone.stop()


def collaborators(phone: Phone) -> tuple[object, ...]:
    """What a Phone hands its SmartContacts."""
    return phone.backend, phone.bus, phone.live, phone.callerid, phone.accounts
