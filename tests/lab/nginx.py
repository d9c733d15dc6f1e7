"""nginx (Debian's package has the dav module) as the PUT/GET upload server for file
attachments: ``/upload/`` takes PUT up to ``max_body``; files are served back by GET.
Started with ``daemon off`` in its own folder so its PID is ours to stop; ``stop`` and
``start`` again on the same port play "the upload server is down, then back"."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import procs

CONF = """daemon off; {user}
worker_processes 1; pid {dir}/nginx.pid; error_log {dir}/error.log info;
events {{ worker_connections 64; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/tmp/body; proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fcgi; uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  types {{ application/octet-stream bin; }} default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/files;
    location /upload/ {{
      dav_methods PUT DELETE; create_full_put_path on; dav_access user:rw group:r all:r;
      client_max_body_size {max_body}; client_body_buffer_size 1m;
    }}
  }}
}}
"""


@dataclass
class Nginx:
    binary: str
    workdir: Path
    port: int
    max_body: str = "5m"
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def upload_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/upload/"

    @property
    def files(self) -> Path:
        return self.workdir / "files" / "upload"

    @classmethod
    def launch(cls, binary: str, workdir: Path, max_body: str = "5m") -> Nginx:
        server = cls(binary, workdir, procs.free_port(), max_body)
        server.start()
        return server

    def start(self) -> None:
        for sub in ("tmp", "files/upload"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        user = "user root;" if os.geteuid() == 0 else ""  # else workers cannot write
        conf = self.workdir / "nginx.conf"
        conf.write_text(CONF.format(user=user, dir=self.workdir, port=self.port,
                                    max_body=self.max_body))
        log = self.workdir / "stderr.log"
        self.proc = procs.spawn([self.binary, "-p", str(self.workdir), "-e",
                                 str(self.workdir / "early.log"), "-c", str(conf)], log)
        procs.wait_for(lambda: procs.tcp_listening(self.port, addr="127.0.0.1"), self.proc,
                       10, f"nginx listening on {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            procs.stop(self.proc)
            self.proc = None
