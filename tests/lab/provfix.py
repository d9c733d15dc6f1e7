"""Lab provisioning services: nginx serving static files on 127.0.0.1, and the HTTPS
service of ``provserver.py`` on a far host (network namespace, 198.18.x) with a lab CA.
Both are stopped by PID at teardown."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import need_binary
from tests.lab import procs, tlscert
from tests.lab.net.host import Host

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ProvService:
    """The HTTPS service: ``base`` is ``https://ADDR:PORT``; files live in ``root``."""

    host: Host
    root: Path
    base: str
    ca: Path

    def answer(self, name: str, text: str) -> None:
        (self.root / name).write_text(text)

    def expect(self, **query: str) -> None:
        (self.root / "expect.json").write_text(json.dumps(query))

    def requests(self) -> list[dict[str, object]]:
        path = self.root / "requests.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def provservice(netlab, tmp_path: Path) -> ProvService:  # noqa: ANN001 - lab fixture
    far = netlab.far(v6=False)
    root = tmp_path / "provservice"
    root.mkdir()
    ca = tlscert.lab_ca(tmp_path / "prov-ca")
    cert, key = tlscert.issue(ca, tmp_path / "prov-cert", ips=[far.v4])
    os.replace(cert, root / "server.pem")
    os.replace(key, root / "server.key")
    (root / "expect.json").write_text("{}")
    port = far.free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = far.spawn([sys.executable, "-m", "tests.lab.provserver", str(root), far.v4,
                      str(port)], root / "server.log", env=env, cwd=ROOT)
    far.wait_tcp_listening(port, proc, addr=far.v4)
    return ProvService(far, root, f"https://{far.v4}:{port}", ca[0])


NGINX_CONF = """daemon off;
user root;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 16; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  types {{ application/xml xml; application/toml toml; }}
  server {{ listen 127.0.0.1:{port}; root {d}/www; }}
}}
"""


@dataclass
class Nginx:
    www: Path
    base: str
    log: Path


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    binary = need_binary("nginx")
    work = tmp_path / "nginx"
    (work / "www").mkdir(parents=True)
    port = procs.free_port()
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(d=work, port=port))
    proc = procs.spawn([binary, "-c", str(conf), "-e", str(work / "error.log")],
                       work / "stdout.log")
    try:
        procs.wait_tcp_listening(port, proc, 10.0, addr="127.0.0.1")
        yield Nginx(work / "www", f"http://127.0.0.1:{port}", work / "access.log")
    finally:
        procs.stop(proc)
