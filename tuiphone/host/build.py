"""Build a ``Phone`` from an ``AppConfig``: the one place config meets the engine."""

from __future__ import annotations

import dataclasses
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tuiphone.config.appstate import load_audio_choices, load_location_override
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.paths import files_dir, trace_log_file
from tuiphone.config.schema import AppConfig
from tuiphone.config.secrets import resolve_secret
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.backend import BackendSettings, SipBackend
from tuiphone.model.errors import ConfigError
from tuiphone.net.resolvconf import system_nameservers
from tuiphone.store.paths import default_db_path

if TYPE_CHECKING:
    from tuiphone.contacts import ContactBook

BACKEND_ENV = "TUIPHONE_BACKEND"  # "fake" runs the engine without SIP (tests, demos)


def default_backend() -> SipBackend:
    """The pjsua2 backend, or the in-memory one when TUIPHONE_BACKEND=fake."""
    if os.environ.get(BACKEND_ENV) == "fake":
        from tuiphone.engine.fake import FakeBackend

        return FakeBackend()
    from tuiphone.sip import PjBackend  # heavy: imports pjsua2

    return PjBackend()


def _is_fake(backend: SipBackend) -> bool:
    """The in-memory backend has no network: no DNS, no routes. (Not imported, it
    cannot be the one: a pjsua2 run never loads it.)"""
    fake = sys.modules.get("tuiphone.engine.fake")
    return fake is not None and isinstance(backend, fake.FakeBackend)


def settle(backend: SipBackend) -> None:
    """For an engine that lives as long as its process (a one-shot command, a script):
    import the SIP stack now and freeze what is loaded, so that the garbage collections
    before ``libDestroy`` (``sip.endpoint``) and at exit walk only what the run made,
    not the ~400 modules (about 50 ms of a one-shot ``register``). Nothing frozen here
    holds a pjsua2 object: the stack is started later."""
    if not _is_fake(backend):
        import tuiphone.sip.core  # noqa: F401 - what PjBackend.start imports

    gc.freeze()


def engine_setup(
    config: AppConfig, *, db_path: Path | None = None, routing: bool = True
) -> EngineSetup:
    """The engine's view of the config. Passwords are resolved only when an account
    registers (a password_command runs then, never at import or parse time)."""

    def password(account_id: str) -> str | None:
        return resolve_secret(config.secrets.get(account_id))

    # the trace log is an account's privacy switch: no account turned it on, no file
    trace_file = None
    if any(a.features.sip_trace_log for a in config.accounts):
        trace_file = str(trace_log_file(config.engine.sip_trace_file))
    sharing = any(a.features.file_sharing for a in config.accounts)
    backend = _with_kept_devices(config.backend_settings())
    if not backend.nameservers:
        backend = dataclasses.replace(backend, nameservers=system_nameservers())
    return EngineSetup(
        accounts=config.accounts,
        passwords=password,
        backend=backend,
        echo_line=config.engine.echo_line,
        db_path=db_path if db_path is not None else default_db_path(),
        trace_file=Path(trace_file) if trace_file else None,
        history_limit=config.engine.history_limit,
        retention_days=config.engine.retention_days,
        quickdial=config.quickdial,
        routing=routing,
        message_retry_s=config.engine.message_retry_hours * 3600.0,
        files_dir=files_dir() if sharing else None,
        file_keys=FileKeyVault() if sharing else None,
        locations=config.locations,
        location_override=_location_override(config),
        default_region=config.contacts.default_region,
    )


def _with_kept_devices(backend: BackendSettings) -> BackendSettings:
    """The devices ``audio use`` kept in state.toml, over [audio] input/output/ring; a
    damaged state file leaves the config's."""
    try:
        kept = load_audio_choices()
    except ConfigError:
        return backend
    media = dataclasses.replace(backend.media, input=kept.get("input", backend.media.input),
                                output=kept.get("output", backend.media.output),
                                ring=kept.get("ring", backend.media.ring))
    return dataclasses.replace(backend, media=media)


def _location_override(config: AppConfig) -> str | None:
    """``location set NAME`` as kept in state.toml; a damaged state file or a name no
    longer configured leaves matching to the network (an emergency call goes out anyway)."""
    try:
        name = load_location_override()
    except ConfigError:
        return None
    return name if any(p.name == name for p in config.locations) else None


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
        from tuiphone.commands.contacts.books import book_folders, contacts_book

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
