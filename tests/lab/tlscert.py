"""Throwaway TLS material for the lab: a self-signed cert for 127.0.0.1, or a lab CA
that issues server certificates with the DNS names and IPs a test asks for."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path


def self_signed(directory: Path) -> tuple[Path, Path]:
    """Write ``cert.pem`` and ``key.pem`` (RSA 2048, SAN IP:127.0.0.1, 2 days) into ``directory``.

    Returns (cert, key). Uses the openssl CLI; raises RuntimeError if it is missing or fails.
    """
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", str(key), "-out", str(cert),
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    )  # fmt: skip
    return cert, key


def lab_ca(directory: Path) -> tuple[Path, Path]:
    """A CA (``ca.pem``, ``ca.key``; EC P-256, CA:TRUE, 2 days) to trust in clients."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "ca.pem", directory / "ca.key"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "2", "-keyout", str(key), "-out", str(cert), "-subj", "/CN=tuiphone lab CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return cert, key


def issue(
    ca: tuple[Path, Path],
    directory: Path,
    dns_names: Sequence[str] = (),
    ips: Sequence[str] = (),
) -> tuple[Path, Path]:
    """A server cert (``server.pem``, ``server.key``) signed by ``ca`` for the given SANs.

    The CN is the first DNS name (else the first IP). Raises ValueError without any SAN.
    """
    sans = [f"DNS:{n}" for n in dns_names] + [f"IP:{a}" for a in ips]
    if not sans:
        raise ValueError("a server certificate needs a DNS name or an IP")
    directory.mkdir(parents=True, exist_ok=True)
    cert, key, csr = directory / "server.pem", directory / "server.key", directory / "server.csr"
    ext = directory / "server.ext"
    ext.write_text(
        f"subjectAltName={','.join(sans)}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
    )
    cn = (list(dns_names) + list(ips))[0]
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
        "-subj", f"/CN={cn}",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]),
        "-CAcreateserial", "-days", "2", "-out", str(cert), "-extfile", str(ext),
    )  # fmt: skip
    return cert, key


def issue_client(
    ca: tuple[Path, Path], directory: Path, name: str, passphrase: str | None = None
) -> tuple[Path, Path]:
    """A client certificate (``client.pem``, ``client.key``; CN ``name``, clientAuth)
    signed by ``ca``. With ``passphrase`` the key is encrypted (PKCS#8, AES-256)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key, csr = directory / "client.pem", directory / "client.key", directory / "client.csr"
    plain = directory / "client.plain.key"
    ext = directory / "client.ext"
    ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                   "extendedKeyUsage=clientAuth\n")
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(plain), "-out", str(csr),
        "-subj", f"/CN={name}",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]),
        "-CAcreateserial", "-days", "2", "-out", str(cert), "-extfile", str(ext),
    )  # fmt: skip
    if passphrase is None:
        plain.rename(key)
    else:  # PBES2 with SHA-1 PRF: the wheel's OpenSSL 1.0.2 reads it
        _openssl(
            "pkcs8", "-topk8", "-in", str(plain), "-out", str(key), "-v2", "aes-256-cbc",
            "-v2prf", "hmacWithSHA1", "-passout", f"pass:{passphrase}",
        )  # fmt: skip
        plain.unlink()
    return cert, key


def _openssl(*args: str) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl CLI not installed (run .ci/install-lab)")
    done = subprocess.run([openssl, *args], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr}")
