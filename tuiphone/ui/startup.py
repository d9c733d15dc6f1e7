"""How the TUI gets its phone and address book, kept apart from the widgets."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable

from tuiphone.config.schema import AppConfig
from tuiphone.engine.api import PhoneApi
from tuiphone.ui.contacts_source import ContactSource


async def attach_or_none() -> PhoneApi | None:
    """A RemotePhone if an engine already serves the control socket, else None."""
    try:
        from tuiphone.control.paths import socket_path
        from tuiphone.control.remote import RemotePhone
    except ImportError:
        return None
    path = socket_path()
    if not path.exists():
        return None
    try:
        phone = await RemotePhone.connect(path)
    except Exception:  # a stale socket: nobody is listening, so we run our own engine
        return None
    phone.is_remote = True  # type: ignore[attr-defined]
    return phone  # type: ignore[return-value]


def phone_factory(config: AppConfig) -> Callable[[], Awaitable[PhoneApi]]:
    """Attach if possible, else build and start a local engine. The engine module (and
    pjsua2 with it) is imported in a thread so the first paint never waits for it."""

    async def build() -> PhoneApi:
        remote = await attach_or_none()
        if remote is not None:
            return remote
        factory = await asyncio.to_thread(importlib.import_module, "tuiphone.engine.factory")
        backend = await asyncio.to_thread(factory.default_backend)
        phone = factory.build_phone(config, backend=backend)
        await phone.start()
        return phone  # type: ignore[no-any-return]

    return build


def open_contacts(config: AppConfig) -> ContactSource | None:
    """The address-book index, or None when no book is configured (or not yet built).

    Seam: ``tuiphone.contacts`` is expected to offer an index with ``search(text)`` and
    ``lookup(uri)``; until then the Contacts pane says no books are configured.
    """
    if not (config.contacts.vdirs or config.contacts.carddav):
        return None
    try:
        module = importlib.import_module("tuiphone.contacts.index")
    except ImportError:
        return None
    opener = getattr(module, "open_index", None)
    return opener(config) if callable(opener) else None
