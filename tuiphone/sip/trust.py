"""Which CA bundle a TLS account verifies servers against. Pure: no pjsua2.

The wheel's bundled OpenSSL 1.0.2 looks only in its own build-time directory,
which no distribution has, so without an explicit CA list pjsip trusts nothing
and every server fails with PJSIP_TLS_ECERTVERIF. We hand it the system store.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Iterable

from tuiphone.model.errors import UsageError

PEM_CERT = "-----BEGIN CERTIFICATE-----"
PEM_KEYS = ("PRIVATE KEY-----",)  # PKCS#8 (plain or ENCRYPTED), RSA and EC keys

# Debian/Ubuntu, Fedora/RHEL (old and new layout), openSUSE, Alpine/Arch.
DISTRO_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
)


def candidates(paths: ssl.DefaultVerifyPaths | None = None) -> list[str]:
    """Where to look, best first: Python's view of OpenSSL's default file
    (honours ``SSL_CERT_FILE``), OpenSSL's compiled-in file, then the distributions'."""
    found = paths if paths is not None else ssl.get_default_verify_paths()
    first = [p for p in (found.cafile, found.openssl_cafile) if p]
    return list(dict.fromkeys([*first, *DISTRO_BUNDLES]))


def system_ca_file(
    paths: Iterable[str] | None = None, is_file: Callable[[str], bool] = os.path.isfile
) -> str | None:
    """The first readable bundle among ``paths`` (default: ``candidates()``), or None."""
    for path in candidates() if paths is None else paths:
        if is_file(path) and os.access(path, os.R_OK):
            return path
    return None


def ca_file_for(configured: str | None) -> str | None:
    """The account's ``ca_file`` if it has one (it replaces the system store), else the
    system bundle, or None when this machine has none."""
    return configured or system_ca_file()


def check_client_files(account_id: str, cert: str, key: str) -> None:
    """Raise UsageError unless ``cert`` holds a PEM certificate and ``key`` a PEM private
    key (pjsip would only fail the handshake, as the server's refusal)."""
    check_pem(account_id, "tls_cert_file", cert, (PEM_CERT,), "certificate")
    check_pem(account_id, "tls_key_file", key, PEM_KEYS, "private key")


def check_pem(account_id: str, key: str, path: str, markers: tuple[str, ...], what: str) -> None:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            text = f.read()
    except OSError as err:
        raise UsageError(f"{account_id}: {key} {path}: {err.strerror or err}") from None
    if not any(m in text for m in markers):
        raise UsageError(f"{account_id}: {key} {path}: no PEM {what} in it")


def check_ca_file(account_id: str, path: str) -> None:
    """Raise UsageError unless ``path`` is a readable file with a PEM certificate.

    pjsip would only report it per connection, as a 503 ("No such file or directory",
    "Unknown OpenSSL error 0") that reads like the server's answer.
    """
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            text = f.read()
    except OSError as err:
        raise UsageError(f"{account_id}: ca_file {path}: {err.strerror or err}") from None
    if PEM_CERT not in text:
        raise UsageError(f"{account_id}: ca_file {path}: no PEM certificate in it")
