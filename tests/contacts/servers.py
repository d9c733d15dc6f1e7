"""Start Radicale and Xandikos on 127.0.0.1 free ports in temp dirs, stop by PID."""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tuiphone.contacts.dav.client import DavSettings

READY_DEADLINE_S = 90.0  # a loaded 2-core CI box can be very slow to import these


@dataclass(frozen=True, slots=True)
class Server:
    kind: str
    url: str
    username: str
    password: str
    home: str  # where the tests create their address books
    ca_file: str | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, verify: object) -> None:
    deadline = time.monotonic() + READY_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            httpx.request("OPTIONS", url, timeout=2.0, verify=verify)  # type: ignore[arg-type]
            return
        except httpx.TransportError:
            time.sleep(0.1)  # polling interval, not synchronisation
    raise RuntimeError(f"server at {url} not ready after {READY_DEADLINE_S}s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def _run(args: list[str], url: str, log: Path, verify: object = True) -> Iterator[None]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(proc, url, log, verify)
        yield
    finally:
        _stop(proc)


def _radicale_config(tmp: Path, port: int, tls: tuple[Path, Path] | None) -> Path:
    (tmp / "users").write_text("alice:s3cret\n")
    tls_lines = f"ssl = True\ncertificate = {tls[0]}\nkey = {tls[1]}\n" if tls else ""
    cfg = tmp / "config"
    cfg.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n{tls_lines}"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {tmp / 'users'}\n"
        "htpasswd_encryption = plain\ndelay = 0\n"
        "[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {tmp / 'collections'}\n"
        "[logging]\nlevel = warning\n"
    )
    return cfg


@contextmanager
def radicale(tmp: Path, tls: bool = False) -> Iterator[Server]:
    port = free_port()
    certs = make_certs(tmp) if tls else None
    cfg = _radicale_config(tmp, port, certs[1:] if certs else None)
    scheme = "https" if tls else "http"
    url = f"{scheme}://127.0.0.1:{port}/"
    args = [sys.executable, "-m", "radicale", "--config", str(cfg)]
    ctx = ssl.create_default_context(cafile=str(certs[0])) if certs else True
    with _run(args, url, tmp / "radicale.log", ctx):
        yield Server(
            "radicale", url, "alice", "s3cret", "/alice/", str(certs[0]) if certs else None
        )


@contextmanager
def xandikos(tmp: Path) -> Iterator[Server]:
    port = free_port()
    args = [sys.executable, "-m", "xandikos", "serve", "-d", str(tmp / "data"), "--defaults"]
    args += ["-l", "127.0.0.1", "-p", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with _run(args, url, tmp / "xandikos.log"):
        yield Server("xandikos", url, "", "", "/user/contacts/")


def make_certs(tmp: Path) -> tuple[Path, Path, Path]:
    """(CA cert, server cert, server key) with SAN IP:127.0.0.1."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tuiphone test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = (tmp / "ca.pem", tmp / "server.pem", tmp / "server.key")
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def settings(server: Server, **changes: Any) -> DavSettings:
    """Client settings for ``server``, with field overrides."""
    base = DavSettings(server.url, server.username, server.password, ca_file=server.ca_file)
    return dataclasses.replace(base, **changes)
