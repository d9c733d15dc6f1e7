"""``[accounts.trust]`` (who may send requests to an account) and the TLS client
certificate of an account (``tls_cert_file``, ``tls_key_file``, ``[accounts.tls_key]``)."""

from __future__ import annotations

import ipaddress

from tuiphone.config.reader import Reader
from tuiphone.config.schema import SecretSpec
from tuiphone.config.secrets import parse_secret
from tuiphone.config.sections import expand
from tuiphone.model.trust import ANY, REGISTRAR, TrustConfig

TLS_KEY_SECRET = "tls-key:{}"  # the key passphrase's secret name, per account id


def parse_trust(account: Reader, registers: bool) -> TrustConfig:
    reader = account.table("trust")
    sources = _accept_from(reader, registers) if reader.get("accept_from") is not None else None
    trust = TrustConfig(accept_from=sources, silent=reader.flag("silent", False))
    reader.finish()
    return trust


def _accept_from(reader: Reader, registers: bool) -> tuple[str, ...] | None:
    entries = reader.strings("accept_from")
    if not entries:
        reader.error("accept_from", 'name at least one source: "registrar", "any", or '
                                    "addresses and CIDR networks")
        return None
    bad = [e for e in entries if e not in (ANY, REGISTRAR) and not _is_network(e)]
    if bad:
        reader.error("accept_from", f"not an address or CIDR network: {', '.join(map(repr, bad))}"
                                    ' (or use "registrar" or "any")')
        return None
    if ANY in entries and len(entries) > 1:
        reader.error("accept_from", '"any" takes every source: it stands alone')
        return None
    if REGISTRAR in entries and not registers:
        reader.error("accept_from", '"registrar" needs a registrar: this account does not '
                                    "register")
        return None
    return tuple(dict.fromkeys(_normal(e) for e in entries))


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _normal(entry: str) -> str:
    if entry in (ANY, REGISTRAR):
        return entry
    return str(ipaddress.ip_network(entry, strict=False))


def parse_tls_client(account: Reader, account_id: str, file_mode: int | None
                     ) -> tuple[str | None, str | None, SecretSpec | None]:
    """``tls_cert_file``, ``tls_key_file`` and the key passphrase's secret spec."""
    cert = expand(account.opt_text("tls_cert_file"))
    key = expand(account.opt_text("tls_key_file"))
    if (cert is None) != (key is None):
        given = "tls_cert_file" if key is None else "tls_key_file"
        account.error(given, "a client certificate needs both tls_cert_file and tls_key_file")
    secret = None
    if account.data.get("tls_key") is not None:
        table = account.table("tls_key")
        secret = parse_secret(table, TLS_KEY_SECRET.format(account_id), file_mode)
        table.finish()
        if key is None:
            account.error("tls_key", "a key passphrase needs tls_key_file")
    else:
        account.get("tls_key")
    return cert, key, secret
