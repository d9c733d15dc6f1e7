"""Kamailio's configuration files for the lab: ``kamailio.cfg`` from the template
and ``tls.cfg``. Pure text; ``kamailio.py`` decides the values."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.lab.sipwire import uri_host

TEMPLATE = Path(__file__).with_name("kamailio.cfg.tmpl")

TLS_CFG = """[server:default]
method = TLSv1.2+
verify_certificate = {verify}
require_certificate = {verify}
private_key = {key}
certificate = {cert}
{ca_list}
[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
"""


def render(
    *,
    addresses: Sequence[str],
    port: int,
    tls_port: int,
    workdir: Path,
    noanswer_ms: int,
    aliases: Sequence[str] = (),
    natping_s: int = 0,
    rtpengine: str = "",
) -> str:
    """The config text: listens on every address (UDP+TCP on ``port``, TLS on
    ``tls_port`` when not 0); the first address is the one Kamailio names itself by."""
    listen = [f"listen={p}:{uri_host(a)}:{port}" for a in addresses for p in ("udp", "tcp")]
    values = {
        "LISTEN": "\n".join(listen),
        "LISTEN_TLS": "\n".join(f"listen=tls:{uri_host(a)}:{tls_port}" for a in addresses),
        "ALIASES": "\n".join(f'alias="{name}"' for name in aliases),
        "ADDR": uri_host(addresses[0]),
        "SI": addresses[0],
        "PORT": port,
        "TLS_PORT": tls_port,
        "DIR": workdir,
        "NOANSWER_MS": noanswer_ms,
        "NATPING_S": natping_s,
        "RTPENGINE": rtpengine or "udp:127.0.0.1:22222",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"%%{name}%%", str(value))
    return text


def tls_cfg(cert: Path, key: Path, client_ca: Path | None = None) -> str:
    """One server domain for every socket. Clients are asked for a certificate signed by
    ``client_ca`` (mutual TLS: without one the handshake fails), or for none."""
    if client_ca is None:
        return TLS_CFG.format(cert=cert, key=key, verify="no", ca_list="")
    return TLS_CFG.format(cert=cert, key=key, verify="yes", ca_list=f"ca_list = {client_ca}\n")
