"""The registrar's TLS certificate, checked the way the engine will meet it: a handshake
to the resolved hop (TLS 1.2 at most, like the wheel's OpenSSL 1.0.2), verified with the
account's ``ca_file`` or the system trust store against the hop's name. Blocking."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Mapping
from pathlib import Path

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor.report import Finding, fail, ok, warn
from tuiphone.model.account import AccountConfig
from tuiphone.model.network import Hop

EXPIRY_WARN_DAYS = 14
CONNECT_TIMEOUT_S = 5.0


def tls(account: AccountConfig, hop: Hop | None, now: float | None = None) -> Finding:
    if hop is None or hop.transport != "tls":
        return ok("tls", f"not used (transport {hop.transport if hop else 'none'})")
    trust = account.ca_file or "the system trust store"
    if account.ca_file and not Path(account.ca_file).expanduser().is_file():
        return fail("tls", f"ca_file {account.ca_file} does not exist",
                    "set ca_file to the PEM file of the CA that signed the server's "
                    "certificate", exitcodes.USAGE)
    try:
        cert = _handshake(account, hop)
    except ssl.SSLCertVerificationError as err:
        return fail("tls", f"{hop.hostport}: certificate not trusted by {trust}: "
                           f"{err.verify_message}",
                    "set ca_file = \"PATH\" in the account to the CA that signed the "
                    "server's certificate (or install that CA system-wide)", exitcodes.NETWORK)
    except (OSError, ssl.SSLError) as err:
        return fail("tls", f"{hop.hostport}: TLS handshake failed: {err}",
                    "check that the server speaks TLS 1.2 on that port", exitcodes.NETWORK)
    return _expiry(hop, cert, trust, time.time() if now is None else now, account.tls_verify)


def _handshake(account: AccountConfig, hop: Hop) -> Mapping[str, object]:
    cafile = str(Path(account.ca_file).expanduser()) if account.ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    if not account.tls_verify:  # still look at the certificate, as the engine will not
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((hop.address, hop.port), timeout=CONNECT_TIMEOUT_S) as raw, \
            context.wrap_socket(raw, server_hostname=hop.name) as conn:
        if account.tls_verify:
            return conn.getpeercert() or {}
        der = conn.getpeercert(binary_form=True)
    return _decode(der) if der else {}


def _decode(der: bytes) -> Mapping[str, object]:
    """The notAfter of an unverified certificate (``getpeercert`` is {} without
    CERT_REQUIRED)."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return {"notAfter": cert.not_valid_after_utc.strftime("%b %d %H:%M:%S %Y GMT")}


def _expiry(hop: Hop, cert: Mapping[str, object], trust: str, now: float,
            verified: bool) -> Finding:
    not_after = cert.get("notAfter")
    if not isinstance(not_after, str):
        return warn("tls", f"{hop.hostport}: handshake ok, no expiry date seen",
                    "check the server certificate by hand (openssl s_client)")
    days = (ssl.cert_time_to_seconds(not_after) - now) / 86400
    detail = f"{hop.hostport} ({hop.name}): certificate valid, expires {not_after}"
    if not verified:
        return warn("tls", detail + " (not verified: tls_verify = false)",
                    "set tls_verify = true (and ca_file if the CA is private)")
    if days < EXPIRY_WARN_DAYS:
        return warn("tls", f"{detail}, in {days:.1f} days",
                    "ask the server's operator to renew the certificate")
    trusted = f"trusted by {trust}"
    return ok("tls", f"{detail} (in {days:.0f} days), {trusted}")
