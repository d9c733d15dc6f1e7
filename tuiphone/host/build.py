"""Build a ``Phone`` from an ``AppConfig``: the one place config meets the engine."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tuiphone.config.paths import data_dir
from tuiphone.config.schema import AppConfig, CardDavConfig, ContactsConfig
from tuiphone.config.secrets import resolve_secret
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import TuiphoneError
from tuiphone.net.resolvconf import system_nameservers

if TYPE_CHECKING:
    from tuiphone.contacts import ContactBook, Source

BACKEND_ENV = "TUIPHONE_BACKEND"  # "fake" runs the engine without SIP (tests, demos)


def default_backend() -> SipBackend:
    """The pjsua2 backend, or the in-memory one when TUIPHONE_BACKEND=fake."""
    if os.environ.get(BACKEND_ENV) == "fake":
        from tuiphone.engine.fake import FakeBackend

        return FakeBackend()
    from tuiphone.sip import PjBackend  # heavy: imports pjsua2

    return PjBackend()


def _is_fake(backend: SipBackend) -> bool:
    """The in-memory backend has no network: no DNS, no routes."""
    from tuiphone.engine.fake import FakeBackend

    return isinstance(backend, FakeBackend)


def engine_setup(
    config: AppConfig, *, db_path: Path | None = None, routing: bool = True
) -> EngineSetup:
    """The engine's view of the config. Passwords are resolved only when an account
    registers (a password_command runs then, never at import or parse time)."""

    def password(account_id: str) -> str | None:
        return resolve_secret(config.secrets.get(account_id))

    trace_file = config.engine.sip_trace_file
    if trace_file is None and any(a.features.sip_trace_log for a in config.accounts):
        trace_file = str(data_dir() / "sip-trace.log")
    backend = config.backend_settings()
    if not backend.nameservers:
        backend = dataclasses.replace(backend, nameservers=system_nameservers())
    return EngineSetup(
        accounts=config.accounts,
        passwords=password,
        backend=backend,
        echo_line=config.engine.echo_line,
        db_path=db_path if db_path is not None else data_dir() / "tuiphone.db",
        trace_file=Path(trace_file) if trace_file else None,
        quickdial=config.quickdial,
        routing=routing,
    )


def build_phone(
    config: AppConfig,
    *,
    backend: SipBackend | None = None,
    db_path: Path | None = None,
    long_lived: bool = False,
) -> Phone:
    """A Phone ready to ``start()``. Nothing is started or created here; the address
    books (if any) are read in a worker thread once the phone has started.

    ``long_lived`` (the TUI, the daemon, the shell) also resolves CardDAV passwords in
    that thread, so edits reach the server, and syncs the CardDAV books at start and
    every ``contacts.sync_interval`` seconds. A one-shot command's private engine only
    reads the local copies."""
    backend = backend or default_backend()
    routing = not _is_fake(backend)
    phone = Phone(engine_setup(config, db_path=db_path, routing=routing), backend)
    contacts = config.contacts
    if contacts.vdirs or contacts.carddav:
        phone.attach_contacts(
            lambda: _loaded(contacts_book(contacts, secrets=long_lived, lenient=True)),
            watch=book_folders(contacts),
            sync_every=contacts.sync_interval if long_lived and contacts.carddav else 0,
        )
        phone.contact_desk.fetch_remote = contacts.fetch_remote_photos
    return phone


def _loaded(book: ContactBook) -> ContactBook:
    book.load()
    return book


def contacts_book(
    config: ContactsConfig, only: str | None = None, *, secrets: bool = True,
    lenient: bool = False,
) -> ContactBook:
    """A ContactBook over the configured vdirs (ids ``vdir1``, ``vdir2``...) and CardDAV
    books (their own ids; cached under the data dir), not loaded yet. ``only`` keeps one
    source. With ``secrets`` it resolves CardDAV passwords (may run a command: call it
    from a thread); without, the CardDAV caches can be read but not synced. Parse
    results are kept in the cache dir (``contacts/``) so later starts load fast."""
    from tuiphone.config.paths import cache_dir
    from tuiphone.contacts import ContactBook

    sources = [
        s for s in contact_sources(config, secrets, lenient) if only is None or s.id == only
    ]
    return ContactBook(
        sources, region=config.default_region, cache_dir=cache_dir() / "contacts"
    )


def contact_sources(
    config: ContactsConfig, secrets: bool = True, lenient: bool = False
) -> list[Source]:
    from tuiphone.contacts import VdirSource

    sources: list[Source] = [
        VdirSource(f"vdir{i}", Path(p).expanduser()) for i, p in enumerate(config.vdirs, 1)
    ]
    return sources + [_carddav(book, secrets, lenient) for book in config.carddav]


def book_folders(config: ContactsConfig) -> list[Path]:
    """The folders whose changes mean the books must be re-read: every vdir and the
    local cache of every CardDAV book (``contacts sync`` in another process writes it)."""
    dav = [_dav_cache(book.id) for book in config.carddav]
    return [Path(p).expanduser() for p in config.vdirs] + dav + [d / "cards" for d in dav]


def _dav_cache(book_id: str) -> Path:
    return data_dir() / "carddav" / book_id


def _carddav(book: CardDavConfig, secrets: bool, lenient: bool = False) -> Source:
    from tuiphone.contacts import CardDavSource, DavSettings

    password = None
    if secrets:
        try:
            password = resolve_secret(book.secret)
        except TuiphoneError:
            if not lenient:
                raise  # the engine reads the local copy anyway; the server will say 401
    settings = DavSettings(
        url=book.url,
        username=book.username or "",
        password=password or "",
        verify=book.verify,
        ca_file=book.ca_file,
    )
    return CardDavSource(book.id, settings, cache_dir=_dav_cache(book.id))
