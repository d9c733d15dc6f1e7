"""TLS transport settings for an account (OpenSSL 1.0.2 in the wheel: TLS 1.2 at most)."""

from __future__ import annotations

import logging

import pjsua2 as pj

from tuiphone.model.account import AccountConfig
from tuiphone.sip.trust import ca_file_for, check_ca_file

log = logging.getLogger("tuiphone.sip")


def tls_config(cfg: AccountConfig) -> pj.TlsConfig:
    """verifyServer follows ``tls_verify``; the CA list is ``ca_file`` or the system store.
    Raises UsageError for a ``ca_file`` that is missing or holds no certificate."""
    if cfg.ca_file:
        check_ca_file(cfg.id, cfg.ca_file)
    tls = pj.TlsConfig()
    tls.method = pj.PJSIP_TLSV1_2_METHOD
    tls.verifyServer = cfg.tls_verify
    ca_file = ca_file_for(cfg.ca_file)
    if ca_file:
        tls.CaListFile = ca_file
    elif cfg.tls_verify:
        log.warning("%s: no system CA bundle found; set ca_file to verify TLS servers", cfg.id)
    log.debug("%s: TLS trusts %s", cfg.id, ca_file or "nothing")
    return tls
