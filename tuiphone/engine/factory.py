"""Build a ``Phone`` from an ``AppConfig``: the one place config meets the engine."""

from __future__ import annotations

import os
from pathlib import Path

from tuiphone.config.paths import data_dir
from tuiphone.config.schema import AppConfig
from tuiphone.config.secrets import resolve_secret
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.backend import SipBackend

BACKEND_ENV = "TUIPHONE_BACKEND"  # "fake" runs the engine without SIP (tests, demos)


def default_backend() -> SipBackend:
    """The pjsua2 backend, or the in-memory one when TUIPHONE_BACKEND=fake."""
    if os.environ.get(BACKEND_ENV) == "fake":
        from tuiphone.engine.fake import FakeBackend

        return FakeBackend()
    from tuiphone.sip import PjBackend  # heavy: imports pjsua2

    return PjBackend()


def engine_setup(config: AppConfig, *, db_path: Path | None = None) -> EngineSetup:
    """The engine's view of the config. Passwords are resolved only when an account
    registers (a password_command runs then, never at import or parse time)."""

    def password(account_id: str) -> str | None:
        return resolve_secret(config.secrets.get(account_id))

    trace_file = config.engine.sip_trace_file
    if trace_file is None and any(a.features.sip_trace_log for a in config.accounts):
        trace_file = str(data_dir() / "sip-trace.log")
    return EngineSetup(
        accounts=config.accounts,
        passwords=password,
        backend=config.backend_settings(),
        echo_line=config.engine.echo_line,
        db_path=db_path if db_path is not None else data_dir() / "tuiphone.db",
        trace_file=Path(trace_file) if trace_file else None,
    )


def build_phone(
    config: AppConfig, *, backend: SipBackend | None = None, db_path: Path | None = None
) -> Phone:
    """A Phone ready to ``start()``. Nothing is started or created here."""
    return Phone(engine_setup(config, db_path=db_path), backend or default_backend())
