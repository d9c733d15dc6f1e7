"""Put a CA into the machine's trust store for one test, and always take it out again.

Debian layout: ``/usr/local/share/ca-certificates/*.crt`` plus ``update-ca-certificates``
rebuild ``/etc/ssl/certs/ca-certificates.crt``. Needs root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

LOCAL_CAS = Path("/usr/local/share/ca-certificates")


def _update(tool: str, *flags: str) -> None:
    subprocess.run([tool, *flags], check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def trusted(ca_pem: Path, tool: str) -> Iterator[Path]:
    """Trust ``ca_pem`` system-wide inside the block (``tool``: update-ca-certificates).

    Yields the installed file. On the way out the file goes and the bundle is rebuilt
    with ``--fresh``, even when the block or the install itself failed.
    """
    target = LOCAL_CAS / f"tuiphone-lab-{os.getpid()}.crt"
    try:
        LOCAL_CAS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ca_pem, target)
        _update(tool)
        yield target
    finally:
        target.unlink(missing_ok=True)
        _update(tool, "--fresh")


def bundle_has(ca_pem: Path, bundle: Path = Path("/etc/ssl/certs/ca-certificates.crt")) -> bool:
    """Whether the system bundle holds ``ca_pem``'s certificate (PEM body compared)."""
    body = "".join(ca_pem.read_text().split("-----")[2].split())
    return body in "".join(bundle.read_text().split()) if bundle.exists() else False
