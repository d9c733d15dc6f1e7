"""Caller ID end to end on the FakeBackend: a vdir card names calls and history rows."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.support.vdir import write_vdir
from tuiphone.config.schema import AppConfig, ContactsConfig, EngineConfig
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.host.build import build_phone
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, IncomingCall, Notice

ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1")
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1")

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alice-1\r\nFN:Alice Liddell\r\nORG:Wonderland\r\n"
    "TEL;TYPE=cell:+49 30 1234567\r\nIMPP:sip:alice@127.0.0.1\r\n"
    "EMAIL:alice@example.test\r\nEND:VCARD\r\n"
)


@pytest.fixture
def contacts_dir(tmp_path: Path) -> Path:
    return write_vdir(tmp_path / "contacts", {"alice.vcf": CARD})


def _config(contacts_dir: Path) -> AppConfig:
    return AppConfig(
        accounts=(ALICE, BOB),
        engine=EngineConfig(echo_line=False),
        contacts=ContactsConfig(default_region="DE", vdirs=(str(contacts_dir),)),
    )


@pytest.fixture
async def phone(contacts_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = build_phone(_config(contacts_dir), backend=FakeBackend(), db_path=tmp_path / "t.db")
    await p.start()
    await p.callerid.ready()
    yield p
    await p.stop()


async def test_incoming_call_and_history_carry_the_contact_name(phone: Phone) -> None:
    incoming = phone.bus.waiter(lambda ev: isinstance(ev, IncomingCall))
    out = await phone.call("sip:bob@127.0.0.1", account_id="alice")
    inc = (await asyncio.wait_for(incoming, 5)).call
    assert inc.account_id == "bob"
    assert inc.remote_name == "Alice Liddell"
    assert any(c.remote_name == "Alice Liddell" for c in phone.state().calls if c.id == inc.id)
    ended = phone.bus.waiter(
        lambda ev: isinstance(ev, CallChanged) and ev.call.id == inc.id
        and ev.call.state is CallState.ENDED
    )
    await phone.hangup(out.id)
    assert (await asyncio.wait_for(ended, 5)).call.remote_name == "Alice Liddell"
    rows = {h.call_id: h for h in await phone.history()}
    assert rows[inc.id].remote_name == "Alice Liddell"


async def test_lookup_and_search_give_summaries(phone: Phone) -> None:
    found = await phone.lookup_contact("030 1234567")
    assert found is not None
    assert found.name == "Alice Liddell"
    assert found.id == "alice-1"
    assert found.sips == ("sip:alice@127.0.0.1",)
    assert found.emails == ("alice@example.test",)
    assert await phone.lookup_contact("sip:nobody@127.0.0.1") is None
    assert [c.name for c in await phone.search_contacts("wonder")] == ["Alice Liddell"]


async def test_summaries_are_built_once_per_card_until_the_books_change(
    phone: Phone, contacts_dir: Path
) -> None:
    (first,) = await phone.search_contacts("alice")
    assert (await phone.search_contacts(""))[0] is first  # the TUI asks per keystroke
    assert await phone.lookup_contact("030 1234567") is first
    (contacts_dir / "alice.vcf").write_text(CARD.replace("Wonderland", "Looking Glass"))
    await phone.reload_contacts()
    (again,) = await phone.search_contacts("alice")
    assert again.org == "Looking Glass"


async def test_loading_runs_off_the_loop_and_never_delays_start(tmp_path: Path) -> None:
    gate = threading.Event()
    threads: list[str] = []

    def slow_book():  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        gate.wait(5)
        raise OSError("disk gone")

    phone = build_phone(AppConfig(accounts=(ALICE,)), backend=FakeBackend(),
                        db_path=tmp_path / "t.db")
    phone.attach_contacts(slow_book)
    notices = phone.bus.waiter(lambda ev: isinstance(ev, Notice) and "contacts" in ev.text)
    await phone.start()  # returns while the opener is still blocked
    assert await phone.lookup_contact("sip:alice@127.0.0.1") is None
    gate.set()
    notice = await asyncio.wait_for(notices, 5)
    assert "disk gone" in notice.text
    assert threads
    assert threads[0] != threading.main_thread().name
    await phone.stop()


async def test_no_contacts_configured_means_no_names(tmp_path: Path) -> None:
    phone = build_phone(AppConfig(accounts=(ALICE, BOB)), backend=FakeBackend(),
                        db_path=tmp_path / "t.db")
    await phone.start()
    try:
        assert await phone.search_contacts("a") == []
        assert await phone.lookup_contact("sip:alice@127.0.0.1") is None
    finally:
        await phone.stop()


async def test_remote_phone_carries_contacts_over_the_socket(phone: Phone) -> None:
    from tuiphone.control import ControlServer, RemotePhone, socket_path

    server = ControlServer(phone, socket_path())
    await server.start()
    remote = await RemotePhone.connect()
    try:
        found = await remote.lookup_contact("sip:alice@127.0.0.1")
        assert found == await phone.lookup_contact("sip:alice@127.0.0.1")
        assert await remote.lookup_contact("sip:zed@127.0.0.1") is None
        assert await remote.search_contacts("ali", limit=5) == await phone.search_contacts("ali")
    finally:
        await remote.close()
        await server.close()
