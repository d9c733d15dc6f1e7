"""Contacts for completion, read once from the configured vdir folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuiphone.config import load_config
from tuiphone.model.contact import ContactSummary
from tuiphone.model.errors import TuiphoneError


def vdir_contacts(config_path: str | None) -> Callable[[], list[ContactSummary]]:
    """A loader that reads the address books on first use and caches them; any problem
    (no config, unreadable cards) just means no contact completion."""
    cache: list[list[ContactSummary]] = []

    def load() -> list[ContactSummary]:
        if not cache:
            cache.append(_read(config_path))
        return cache[0]

    return load


def _read(config_path: str | None) -> list[ContactSummary]:
    try:
        config = load_config(config_path)
        if not config.contacts.vdirs:
            return []
        from tuiphone.contacts import ContactBook
        from tuiphone.contacts.sources import VdirSource
        from tuiphone.engine.contact_data import contact_summary

        sources = [VdirSource(f"vdir{i}", Path(p).expanduser())
                   for i, p in enumerate(config.contacts.vdirs)]
        book = ContactBook(list(sources), region=config.contacts.default_region)
        book.load()
        contacts = book.search("", limit=10_000)
    except (TuiphoneError, OSError):
        return []
    return [contact_summary(c) for c in contacts if c.sips or c.phones]
