"""Contact names for completion, read once from the configured vdir folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuiphone.config import load_config
from tuiphone.model.errors import TuiphoneError

ContactEntry = tuple[str, str]  # (what to dial, the name shown)


def vdir_contacts(config_path: str | None) -> Callable[[], list[ContactEntry]]:
    """A loader that reads the address books on first use and caches them; any problem
    (no config, unreadable cards) just means no contact completion."""
    cache: list[list[ContactEntry]] = []

    def load() -> list[ContactEntry]:
        if not cache:
            cache.append(_read(config_path))
        return cache[0]

    return load


def _read(config_path: str | None) -> list[ContactEntry]:
    try:
        config = load_config(config_path)
        if not config.contacts.vdirs:
            return []
        from tuiphone.contacts import ContactBook
        from tuiphone.contacts.sources import VdirSource

        sources = [VdirSource(f"vdir{i}", Path(p).expanduser())
                   for i, p in enumerate(config.contacts.vdirs)]
        book = ContactBook(list(sources), region=config.contacts.default_region)
        book.load()
        contacts = book.search("", limit=10_000)
    except (TuiphoneError, OSError):
        return []
    return [(_dial(c), c.display_name) for c in contacts if _dial(c)]


def _dial(contact: object) -> str:
    sips = getattr(contact, "sips", ())
    phones = getattr(contact, "phones", ())
    if sips:
        return str(sips[0])
    return str(phones[0].number) if phones else ""
