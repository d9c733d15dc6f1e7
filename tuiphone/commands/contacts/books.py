"""The address books config.toml names, as one ``ContactBook`` (not loaded yet).

Used by the contacts commands, which read the books in their own process, and by the
engine the host builds (``tuiphone.host.build``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tuiphone.config.paths import data_dir
from tuiphone.config.schema import CardDavConfig, ContactsConfig
from tuiphone.config.secrets import resolve_secret
from tuiphone.model.errors import TuiphoneError

if TYPE_CHECKING:
    from tuiphone.contacts import ContactBook, Source


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
