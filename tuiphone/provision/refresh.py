"""Re-provisioning: fetch each provisioned account again from what its state remembers.

The provider's ``extProvUrl`` (or else the URL first given) is filled from the stored
username, the provisioning password and the account's nodes (``%account[NODE]%``; the
password-like ones come from the secret store). Conditional (ETag/If-Modified-Since):
a 304 changes nothing. A failure keeps the last good values and is remembered for
``provision status``; the next attempt backs off (see ``schedule``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tuiphone.config.schema import ProvisioningConfig
from tuiphone.config.secrets import SecretError
from tuiphone.model.errors import TuiphoneError
from tuiphone.provision import state
from tuiphone.provision.apply import (
    Job,
    Source,
    failed,
    node_secret,
    provision,
    provision_secret,
    url_secret,
)

log = logging.getLogger("tuiphone.provision")


def _secret(name: str) -> str | None:
    from tuiphone.config.secret_store import SecretStore, store_passphrase

    store = SecretStore()
    if name not in store.names():
        return None
    return store.get(name, store_passphrase())


def _url(account_id: str, known: dict[str, Any], which: str) -> str | None:
    if known.get(f"{which}_in_store"):
        return _secret(url_secret(account_id, which))
    value = known.get(which)
    return str(value) if value else None


def source_for(account_id: str, settings: ProvisioningConfig) -> Source:
    """What to fetch for ``account_id``: its remembered URLs and values; the request's
    method and body template come from ``[provisioning]`` (never stored elsewhere)."""
    known = state.read(account_id)
    template = _url(account_id, known, "reprovision_url") or _url(account_id, known, "template")
    if not template:
        raise TuiphoneError(f"{account_id}: no provisioning URL remembered")
    values = {k: str(v) for k, v in (known.get("nodes") or {}).items()}
    for node in ("password", "cloud_password"):
        if f"%account[{node}]%" in template:
            value = _secret(node_secret(account_id, node))
            if value is not None:
                values[node] = value
    password = None
    if "%password%" in template + settings.post_data:
        password = _secret(provision_secret(account_id))
    return Source(template=template, username=str(known.get("username") or ""),
                  password=password, fullcode=str(known.get("fullcode") or ""),
                  method=settings.method, post_data=settings.post_data,
                  content_type=settings.content_type, account_values=values)


async def refresh(config: str | None, account_id: str, timeout_s: float | None = None
                  ) -> dict[str, Any]:
    """Re-provision one account; raises like ``provision`` after remembering the error."""
    try:
        from tuiphone.config.loader import load_config

        settings = (await asyncio.to_thread(load_config, config)).provisioning
        source = await asyncio.to_thread(source_for, account_id, settings)  # scrypt: off loop
        job = Job(source, config=config, account_id=account_id,
                  conditional=True, timeout_s=timeout_s)
        return await provision(job)
    except (TuiphoneError, SecretError, OSError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        failed(account_id, message)
        log.warning("re-provisioning %s failed: %s", account_id, message)
        raise


async def refresh_all(config: str | None, only: str | None = None,
                      timeout_s: float | None = None) -> list[dict[str, Any]]:
    """Every provisioned account (or ``only``): one row each, errors as text."""
    ids = [a for a in state.accounts() if only is None or a == only]
    rows = []
    for account_id in ids:
        try:
            result = await refresh(config, account_id, timeout_s)
            rows.append({"account": account_id, "ok": True,
                         "changed": not result.get("not_modified")
                         and any(a["changes"] for a in result.get("accounts", [])),
                         "error": None})
        except (TuiphoneError, SecretError, OSError) as err:
            rows.append({"account": account_id, "ok": False, "changed": False,
                         "error": str(err).splitlines()[0] if str(err) else "failed"})
    return rows
