"""TLS transport settings for an account (OpenSSL 1.0.2 in the wheel: TLS 1.2 at most)."""

from __future__ import annotations

import pjsua2 as pj

from tuiphone.model.account import AccountConfig


def tls_config(cfg: AccountConfig) -> pj.TlsConfig:
    """verifyServer follows ``tls_verify``; ``ca_file`` becomes the CA list."""
    tls = pj.TlsConfig()
    tls.method = pj.PJSIP_TLSV1_2_METHOD
    tls.verifyServer = cfg.tls_verify
    if cfg.ca_file:
        tls.CaListFile = cfg.ca_file
    return tls
