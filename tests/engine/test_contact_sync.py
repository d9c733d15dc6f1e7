"""A long-lived engine keeps CardDAV books fresh against a real Radicale: it syncs at
start, on request and on a timer; edits from the TUI reach the server; a dead server
is reported once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contacts import servers
from tests.contacts.servers import Server
from tuiphone.config.schema import (
    AppConfig,
    CardDavConfig,
    ContactsConfig,
    EngineConfig,
    SecretKind,
    SecretSpec,
)
from tuiphone.contacts.dav import ops
from tuiphone.contacts.dav.client import DavClient
from tuiphone.contacts.dav.hrefs import norm
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.host.build import build_phone
from tuiphone.model.contact import BookSync, ContactFields
from tuiphone.model.events import ContactsChanged, Notice


def card(uid: str, fn: str) -> bytes:
    return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{fn}\r\n"
            f"TEL:+1 415 555 01{uid[-2:]}\r\nEND:VCARD\r\n").encode()


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with servers.radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


async def new_book(server: Server, *cards: tuple[str, str]) -> str:
    url = f"{server.url.rstrip('/')}{server.home}{uuid.uuid4().hex}/"
    async with DavClient(servers.settings(server)) as client:
        await ops.make_book(client, url, "Engine test")
        for uid, fn in cards:
            await ops.put_card(client, f"{norm(url)}{uid}.vcf", card(uid, fn), None)
    return url


def config(url: str, every: int = 900) -> AppConfig:
    book = CardDavConfig(id="work", url=url, username="alice",
                         secret=SecretSpec(SecretKind.ENV, "carddav:work", env="TP_DAV_PW"))
    return AppConfig(accounts=(), engine=EngineConfig(echo_line=False),
                     contacts=ContactsConfig(carddav=(book,), sync_interval=every))


async def started(cfg: AppConfig, tmp_path: Path, long_lived: bool = True) -> Phone:
    phone = build_phone(cfg, backend=FakeBackend(), db_path=tmp_path / "t.db",
                        long_lived=long_lived)
    await phone.start()
    return phone


async def until_rounds(phone: Phone, rounds: int) -> None:
    async def wait() -> None:
        while phone.contact_desk.sync_timer.rounds < rounds:
            await phone.bus.waiter(lambda ev: isinstance(ev, ContactsChanged | Notice))
    await asyncio.wait_for(wait(), 30)


async def test_syncs_at_start_and_on_request(
    radicale: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TP_DAV_PW", radicale.password)
    url = await new_book(radicale, ("ann-01", "Ann Server"))
    phone = await started(config(url), tmp_path)
    try:
        await until_rounds(phone, 1)
        assert [c.name for c in await phone.search_contacts("ann")] == ["Ann Server"]
        async with DavClient(servers.settings(radicale)) as client:
            await ops.put_card(client, f"{norm(url)}ben-02.vcf", card("ben-02", "Ben Later"), None)
        rows = await phone.sync_contacts()
        assert rows == [BookSync.done("work", fetched=1, deleted=0, full=False)]
        assert [c.name for c in await phone.search_contacts("ben")] == ["Ben Later"]
        saved = await phone.save_contact("ann-01", ContactFields(org="Edited In TUI"))
        assert saved.org == "Edited In TUI"
        async with DavClient(servers.settings(radicale)) as client:
            found, _ = await ops.multiget(client, url, [f"{norm(url)}ann-01.vcf"])
        assert b"ORG:Edited In TUI" in next(iter(found.values()))[1]
    finally:
        await phone.stop()


async def test_a_one_shot_engine_does_not_sync(
    radicale: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TP_DAV_PW", radicale.password)
    url = await new_book(radicale, ("cat-03", "Cat Remote"))
    phone = await started(config(url), tmp_path, long_lived=False)
    try:
        await phone.callerid.ready()
        assert phone.contact_desk.sync_timer.rounds == 0
        assert await phone.search_contacts("cat") == []  # only the (empty) local copy
    finally:
        await phone.stop()


async def test_a_dead_server_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TP_DAV_PW", "x")
    dead = f"http://127.0.0.1:{servers.free_port()}/alice/book/"
    phone = build_phone(config(dead, every=1), backend=FakeBackend(),
                        db_path=tmp_path / "t.db", long_lived=True)
    reported = phone.bus.waiter(lambda ev: isinstance(ev, Notice) and "sync" in ev.text)
    await phone.start()
    try:
        first = await asyncio.wait_for(reported, 30)
        assert "contacts sync work" in first.text  # type: ignore[attr-defined]
        again = phone.bus.waiter(lambda ev: isinstance(ev, Notice) and "sync" in ev.text)
        await until_rounds(phone, 3)
        assert not again.done()  # the same failure is not repeated every round
    finally:
        await phone.stop()
