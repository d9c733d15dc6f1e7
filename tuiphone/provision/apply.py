"""Provision: fetch, translate, check the whole config, then write; or only show.

Order of writes, each atomic: the secret store (SIP and provisioning passwords), then
the layer file(s) beside config.toml, then the state file. Everything before the first
write can fail (network, refusal, a bad response, a config the new values would break)
and leaves every file as it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from tuiphone.config.atomic import atomic_write
from tuiphone.config.layers import GLOBAL, Layer, Merged, layer_dir, read_layers
from tuiphone.config.loader import load_layered
from tuiphone.config.paths import config_file, ensure_dir
from tuiphone.config.schema import AppConfig
from tuiphone.config.secrets import remember_secret
from tuiphone.model.errors import ConfigError
from tuiphone.provision import acrobits, state, tomlfrag
from tuiphone.provision.fetch import Request, Response, fetch
from tuiphone.provision.privacy import describe, split_pending
from tuiphone.provision.template import fill, redact_filled, redact_url
from tuiphone.provision.translation import Translation, Unusable

log = logging.getLogger("tuiphone.provision")
Passphrase = Callable[[], str]


def url_secret(account_id: str, which: str) -> str:
    """The secret-store name of a URL that carries a password in itself (``which``:
    ``template`` or ``reprovision_url``): such a URL is never written to the state file."""
    return f"provision-url:{account_id}:{which}"


def _literal_secret(url: str | None) -> bool:
    return bool(url) and redact_url(str(url)) != url


def provision_secret(account_id: str) -> str:
    """The secret-store name of the password used to fetch ``account_id``'s values."""
    return f"provision:{account_id}"


def node_secret(account_id: str, node: str) -> str:
    """The secret-store name of a password-like node (the SIP password is the account's)."""
    return account_id if node == "password" else f"provision-node:{account_id}:{node}"


@dataclass(slots=True, repr=False)
class Source:
    """Where to fetch from: a URL template and the values for its placeholders."""

    template: str
    username: str = ""
    password: str | None = None
    fullcode: str = ""
    method: str = ""
    post_data: str = ""
    content_type: str = "application/x-www-form-urlencoded"
    account_values: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        out = {"username": self.username, "fullcode": self.fullcode}
        if "%installid%" in self.template + self.post_data:
            from tuiphone.provision.installid import install_id

            out["installid"] = install_id()
        if self.password is not None:
            out["password"] = self.password
        out.update({f"account[{k}]": v for k, v in self.account_values.items()})
        return out


@dataclass(slots=True)
class Job:
    source: Source
    config: str | None = None
    account_id: str | None = None
    dry_run: bool = False
    conditional: bool = False  # re-provisioning: send ETag / If-Modified-Since
    passphrase: Passphrase | None = None
    timeout_s: float | None = None


def _request(job: Job, cfg: AppConfig, validators: dict[str, Any]) -> Request:
    src, settings = job.source, cfg.provisioning
    values = src.values()
    method = src.method or settings.method or ("POST" if src.post_data else "GET")
    return Request(
        url=fill(src.template, values), shown=redact_filled(src.template, values),
        method=method, body=fill(src.post_data, values, json_body="json" in src.content_type),
        content_type=src.content_type,
        timeout_s=job.timeout_s or settings.timeout_s, verify=settings.verify,
        ca_file=settings.ca_file,
        etag=validators.get("etag") if job.conditional else None,
        last_modified=validators.get("last_modified") if job.conditional else None)


def _translate(response: Response, shown: str, account_id: str | None) -> list[Translation]:
    head = response.body.lstrip()[:1]
    if head == b"<" or "xml" in response.content_type:
        return acrobits.translate(response.body, shown, account_id)
    return tomlfrag.translate(response.body, shown, account_id)


def _layer_doc(t: Translation, shown: str, fmt: str, old: Layer | None) -> dict[str, Any]:
    accepted = dict(old.account) if old is not None else {}
    rejected = [str(k) for k in old.meta.get("rejected", [])] if old is not None else []
    table, pending = split_pending(t.account, accepted, rejected)
    meta: dict[str, Any] = {"source": shown, "fetched": state.now(), "format": fmt,
                            "locked": sorted(set(t.locked))}
    if rejected:
        meta["rejected"] = rejected
    doc: dict[str, Any] = {"provisioning": meta}
    if table:
        doc["account"] = table
    if pending:
        doc["pending"] = pending
    if t.quickdial:
        doc["quickdial"] = t.quickdial
    return doc


def _as_layer(path: Path, doc: dict[str, Any]) -> Layer:
    return Layer(path.stem, path, doc.get("account", {}), tuple(doc["provisioning"]["locked"]),
                 doc.get("pending", {}), tuple(doc.get("quickdial", [])), doc["provisioning"])


def flatten(table: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(table, dict):
        for key, value in table.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                out.update(flatten(value, name))
            else:
                out[name] = value
    return out


def _account_table(merged: Merged, account_id: str) -> dict[str, Any]:
    for table in merged.data.get("accounts", []):
        if isinstance(table, dict) and table.get("id") == account_id:
            return table
    return {}


def changes(old: Merged, new: Merged, account_id: str) -> list[dict[str, Any]]:
    """Key by key: each effective value of the account that differs, old and new."""
    if account_id == GLOBAL:
        before = {f"quickdial.{e.get('uri')}": e.get("label")
                  for e in old.data.get("quickdial", []) if isinstance(e, dict)}
        after = {f"quickdial.{e.get('uri')}": e.get("label")
                 for e in new.data.get("quickdial", []) if isinstance(e, dict)}
    else:
        before = flatten(_account_table(old, account_id))
        after = flatten(_account_table(new, account_id))
    out = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            out.append({"key": key, "old": before.get(key), "new": after.get(key)})
    return out


@dataclass(slots=True)
class Planned:
    translation: Translation
    path: Path
    doc: dict[str, Any]
    changes: list[dict[str, Any]]


async def provision(job: Job) -> dict[str, Any]:
    """Fetch and apply (or, with ``dry_run``, only report). Raises NetworkError (5),
    Refused (4), Unusable/ConfigError (2); nothing is written before all checks pass."""
    cfg, old_merged, _ = await asyncio.to_thread(load_layered, job.config)
    known = state.read(job.account_id) if job.account_id else {}
    _redact_later(job.source.password, *(v for k, v in job.source.account_values.items()
                                         if "pass" in k.lower()))
    request = _request(job, cfg, known)
    response = await fetch(request)
    if response.not_modified:
        if not job.dry_run and job.account_id:
            known.update(last_attempt=state.now(), last_success=state.now(), last_error=None)
            state.write(job.account_id, known)
        return {"applied": False, "not_modified": True, "source": request.shown}
    try:
        translations = _translate(response, request.shown, job.account_id)
    finally:
        log.debug("provisioning response body:\n%s",
                  state.scrub(response.body[:65536].decode("utf-8", errors="replace"), []))
    _redact_later(*(v for t in translations for v in t.secrets.values()))
    planned = _plan(job, translations, response, request.shown)
    new_merged = await _check(job, planned, request.shown)
    for plan in planned:
        plan.changes = changes(old_merged, new_merged, plan.path.stem)
    result = {"applied": not job.dry_run, "dry_run": job.dry_run, "source": request.shown,
              "accounts": [_report(p) for p in planned]}
    if job.dry_run:
        return result
    await asyncio.to_thread(_write_all, job, planned, response, request)
    log.info("provisioning applied: %s", ", ".join(
        f"{p.path.stem} ({len(p.changes)} changes, {len(p.doc.get('pending', {}))} pending)"
        for p in planned))
    return result


def _redact_later(*values: str | None) -> None:
    """From now on these values are redacted from every log line and bundle."""
    for value in values:
        remember_secret(value)


def _plan(job: Job, translations: list[Translation], response: Response, shown: str
          ) -> list[Planned]:
    """The layer document each translation becomes (pending split off against the
    layer on disk)."""
    file, _ = config_file(job.config)
    fmt = "acrobits" if response.body.lstrip()[:1] == b"<" else "toml"
    on_disk = {layer.account_id: layer for layer in read_layers(file)}
    planned = []
    for t in translations:
        account_id = str(t.account.get("id", GLOBAL))
        path = layer_dir(file) / f"{account_id}.toml"
        planned.append(Planned(t, path, _layer_doc(t, shown, fmt, on_disk.get(account_id)),
                               []))
    return planned


async def _check(job: Job, planned: list[Planned], shown: str) -> Merged:
    """The whole config with the new layers, loaded as the engine would: Unusable if the
    new values break it (then nothing is written)."""
    file, _ = config_file(job.config)
    layers = {layer.account_id: layer for layer in read_layers(file)}
    for plan in planned:
        layers[plan.path.stem] = _as_layer(plan.path, plan.doc)
    try:
        _, merged, _ = await asyncio.to_thread(load_layered, job.config, list(layers.values()))
    except ConfigError as err:
        raise Unusable(f"{shown}: the values would break the config: "
                       f"{err.problems[0]}") from err
    return merged


def _write_all(job: Job, planned: list[Planned], response: Response, request: Request) -> None:
    """Secrets first (scrypt: off the loop), then each layer, then its state."""
    _store_secrets(job, planned)
    for plan in planned:
        ensure_dir(plan.path.parent, 0o700)
        atomic_write(plan.path, _layer_text(plan.doc), 0o600)
        _remember(job, plan, response, request)


def _report(plan: Planned) -> dict[str, Any]:
    t = plan.translation
    pending = plan.doc.get("pending", {})
    return {"account": plan.path.stem, "changes": plan.changes,
            "pending": [{"key": k, "what": describe(k)} for k in pending],
            "locked": plan.doc["provisioning"]["locked"], "ignored": t.ignored,
            "notes": t.notes, "secrets": sorted(t.secrets)}


def _layer_text(doc: dict[str, Any]) -> bytes:
    head = "# Written by 'tuiphone provision'; do not edit. Your config.toml wins over it.\n"
    return (head + tomli_w.dumps(doc)).encode("utf-8")


def _store_secrets(job: Job, planned: list[Planned]) -> None:
    wanted: dict[str, str] = {}
    for plan in planned:
        for node, value in plan.translation.secrets.items():
            wanted[node_secret(plan.path.stem, node)] = value
        if job.source.password and not job.conditional:
            wanted[provision_secret(plan.path.stem)] = job.source.password
        urls = {"reprovision_url": plan.translation.reprovision_url}
        if not job.conditional:
            urls["template"] = job.source.template
        for which, url in urls.items():
            if url and _literal_secret(url):
                wanted[url_secret(plan.path.stem, which)] = url
    if not wanted:
        return
    from tuiphone.config.secret_store import SecretStore, store_passphrase

    passphrase = job.passphrase() if job.passphrase else store_passphrase()
    store = SecretStore()
    for name, value in wanted.items():
        if name in store.names() and store.get(name, passphrase) == value:
            continue
        store.set(name, value, passphrase)


def _remember(job: Job, plan: Planned, response: Response, request: Request) -> None:
    t = plan.translation
    known = state.read(plan.path.stem)
    secrets = [*t.secrets.values(), job.source.password or ""]
    if not job.conditional:  # a re-provisioning keeps what the first one was given
        literal = _literal_secret(job.source.template)
        known.update(template=None if literal else job.source.template,
                     template_in_store=literal, username=job.source.username,
                     fullcode=job.source.fullcode)
    reprovision_literal = _literal_secret(t.reprovision_url)
    known.update(
        source=request.shown, interval_s=t.interval_s,
        reprovision_url=None if reprovision_literal else t.reprovision_url,
        reprovision_url_in_store=reprovision_literal,
        etag=response.etag, last_modified=response.last_modified,
        last_attempt=state.now(), last_success=state.now(), last_error=None,
        ignored=t.ignored, notes=t.notes, nodes=t.nodes, title=t.title,
        response=state.scrub(response.body.decode("utf-8", errors="replace"), secrets))
    state.write(plan.path.stem, known)


def failed(account_id: str, message: str) -> None:
    """Remember a failed re-provisioning (state only: the config stays as it was)."""
    known = state.read(account_id)
    if known:
        known.update(last_attempt=state.now(), last_error=message)
        state.write(account_id, known)
