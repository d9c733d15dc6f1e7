"""TLS transport settings for an account (OpenSSL 1.0.2 in the wheel: TLS 1.2 at most)."""

from __future__ import annotations

import logging

import pjsua2 as pj

from tuiphone.model.account import AccountConfig
from tuiphone.sip.trust import ca_file_for, check_ca_file, check_client_files

log = logging.getLogger("tuiphone.sip")


CLOSED = ("closed the connection", "connection reset", "ssl", "tls")


def handshake_hint(cfg: AccountConfig, transport: str, reason: str) -> str:
    """``reason`` with a hint when a TLS server without our client certificate closed the
    connection: servers that require mutual TLS end the handshake that way."""
    if transport != "tls" or cfg.tls_cert_file or not any(w in reason.lower() for w in CLOSED):
        return reason
    return (f"{reason} (does the server require a client certificate? "
            "set tls_cert_file and tls_key_file)")


def tls_config(cfg: AccountConfig, key_password: str | None = None) -> pj.TlsConfig:
    """verifyServer follows ``tls_verify``; the CA list is ``ca_file`` or the system store;
    ``tls_cert_file``/``tls_key_file`` (unlocked by ``key_password``) is our client
    certificate for servers that require mutual TLS. Raises UsageError for a file that
    is missing or holds no PEM of the right kind."""
    if cfg.ca_file:
        check_ca_file(cfg.id, cfg.ca_file)
    tls = pj.TlsConfig()
    if cfg.tls_cert_file and cfg.tls_key_file:
        check_client_files(cfg.id, cfg.tls_cert_file, cfg.tls_key_file)
        tls.certFile = cfg.tls_cert_file
        tls.privKeyFile = cfg.tls_key_file
        tls.password = key_password or ""
    tls.method = pj.PJSIP_TLSV1_2_METHOD
    tls.verifyServer = cfg.tls_verify
    ca_file = ca_file_for(cfg.ca_file)
    if ca_file:
        tls.CaListFile = ca_file
    elif cfg.tls_verify:
        log.warning("%s: no system CA bundle found; set ca_file to verify TLS servers", cfg.id)
    log.debug("%s: TLS trusts %s", cfg.id, ca_file or "nothing")
    return tls
