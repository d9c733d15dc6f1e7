"""provision URL | user@CODE | csc:LINK | refresh | accept | reject | status.

``provision URL`` fetches the provider's values and writes them as a config layer beside
config.toml (exit 0); 4 when the server refuses (its ``<message>`` printed), 5 for a
network or TLS error, 2 for a response that cannot be used. Any failure leaves every
file as it was. ``open csc:…`` hands a provisioning link to ``provision``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuiphone.commands.dial_link import dial_text, is_dial_link
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from tuiphone.provision.pending import AccountStatus

ACTIONS = ("status", "accept", "reject", "refresh", "forget")


async def provision(phone: PhoneApi | None, args: argparse.Namespace) -> Any:
    """``phone`` is unused: a local command."""
    from tuiphone.provision import pending

    target = str(args.target)
    config = opt(args, "config")
    as_json = bool(opt(args, "json"))
    if target == "status":
        rows = pending.status(config)
        return rows if as_json else Verbatim(_status_text(rows))
    if target in ("accept", "reject"):
        return pending.decide(config, opt(args, "account"), accept=target == "accept")
    if target == "forget":
        from tuiphone.provision.forget import forget

        return await asyncio.to_thread(forget, config, opt(args, "account"))
    if target == "refresh":
        from tuiphone.provision.refresh import refresh, refresh_all

        if opt(args, "account"):
            result = await refresh(config, str(args.account))
            return result if as_json else Verbatim(_result_text(result))
        return await refresh_all(config)
    result = await _provision(args, target, config)
    return result if as_json else Verbatim(_result_text(result))


async def open_link(phone: PhoneApi | None, args: argparse.Namespace) -> Any:
    """``open csc:…``: a provisioning link, handed to ``provision``; ``open sip:…``,
    ``sips:…``, ``tel:…``: a call placed by the engine (the CLI brings the running
    engine, or starts the TUI with the number in the dialpad when none runs)."""
    link = str(args.link)
    if is_dial_link(link):
        if phone is None:
            raise UsageError("open: no engine to dial with")
        return await phone.call(dial_text(link), opt(args, "account"))
    if not link.startswith("csc:"):
        raise UsageError(f"{link[:40]!r}: tuiphone opens csc:, sip:, sips: and tel: "
                         "links only")
    args.target = link
    for name in ("username", "password_file", "password_env", "account"):
        if not hasattr(args, name):
            setattr(args, name, None)
    args.dry_run = bool(opt(args, "dry_run", False))
    return await provision(phone, args)


async def _provision(args: argparse.Namespace, target: str, config: str | None
                     ) -> dict[str, Any]:
    from tuiphone.config.loader import load_config
    from tuiphone.provision import cloudid
    from tuiphone.provision.apply import Job, Source, provision

    settings = load_config(config).provisioning
    username = opt(args, "username") or ""
    password = _password(args)
    if "://" in target and not cloudid.is_url(target):
        raise UsageError(f"{target.split('://', 1)[0]}://: only http:// and https:// URLs "
                         "can be provisioned from")
    if cloudid.is_url(target):
        source = Source(template=target, username=username, password=password,
                        method=settings.method, post_data=settings.post_data,
                        content_type=settings.content_type)
    else:
        cloud = cloudid.parse(target)
        if settings.url is None:
            what = "a csc: link" if target.startswith("csc:") else "a cloud ID"
            raise UsageError(f"{what} needs the provider's service URL: set "
                             "[provisioning] url in config.toml")
        source = Source(template=settings.url, username=username or cloud.username,
                        password=password if password is not None else cloud.password,
                        fullcode=cloud.code, method=settings.method,
                        post_data=settings.post_data, content_type=settings.content_type)
    if source.password is None and _wants_password(source) and sys.stdin.isatty():
        source.password = getpass.getpass("Provisioning password: ")
    job = Job(source, config=config, account_id=opt(args, "account"),
              dry_run=bool(opt(args, "dry_run")))
    return await provision(job)


def _wants_password(source: Any) -> bool:
    return "%password%" in source.template or "%password%" in source.post_data


def _password(args: argparse.Namespace) -> str | None:
    file, env = opt(args, "password_file"), opt(args, "password_env")
    if file and env:
        raise UsageError("use only one of --password-file and --password-env")
    if file:
        try:
            lines = Path(file).expanduser().read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError([f"{file}: cannot read the password: "
                               f"{getattr(err, 'strerror', None) or err}"]) from err
        if not lines or not lines[0]:
            raise UsageError(f"{file}: the first line (the password) is empty")
        return lines[0]
    if env:
        value = os.environ.get(env, "")
        if not value:
            raise UsageError(f"environment variable {env} is not set")
        return value
    return None


def _show(value: Any) -> str:
    return "-" if value is None else repr(value) if isinstance(value, str) else str(value)


def _result_text(result: dict[str, Any]) -> str:
    if result.get("not_modified"):
        return f"not modified: {result['source']} has nothing new\n"
    verb = "would change" if result.get("dry_run") else "changed"
    lines = [f"{'dry run: ' if result.get('dry_run') else ''}provisioned from "
             f"{result['source']}"]
    for acc in result["accounts"]:
        lines.append(f"account {acc['account']}: {len(acc['changes'])} {verb}")
        lines += [f"  {c['key']}: {_show(c['old'])} -> {_show(c['new'])}"
                  for c in acc["changes"]]
        lines += [f"  waiting for your consent: {p['what']} (provision accept)"
                  for p in acc["pending"]]
        if acc["locked"]:
            lines.append(f"  locked by the provider: {', '.join(acc['locked'])}")
        if acc["ignored"]:
            lines.append(f"  ignored (not supported): {', '.join(acc['ignored'])}")
        lines += [f"  note: {n}" for n in acc["notes"]]
        if acc["secrets"]:
            lines.append(f"  to the secret store: {', '.join(acc['secrets'])}")
    return "\n".join(lines) + "\n"


def _status_text(rows: list[AccountStatus]) -> str:
    if not rows:
        return "no provisioned account\n"
    lines = []
    for row in rows:
        lines.append(f"account {row.account}")
        for key in ("title", "source", "format", "last_attempt", "last_success", "age",
                    "last_error", "interval_s"):
            if getattr(row, key) is not None:
                lines.append(f"  {key.replace('_', ' ')}: {getattr(row, key)}")
        for key in ("locked", "ignored", "rejected"):
            if getattr(row, key):
                lines.append(f"  {key}: {', '.join(getattr(row, key))}")
        lines += [f"  pending: {p.what}" for p in row.pending]
    return "\n".join(lines) + "\n"
