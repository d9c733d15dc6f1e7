"""An RCS FT-over-HTTP test server on the stdlib, following Flexisip's hft.php:

- POST with no body (and no Content-Length, as Linphone sends it): 204 No Content.
- POST multipart/form-data with a part named ``File``: the file is kept as
  ``tmp/<random>.<ext>`` and the answer is 200 with the fthttp XML (url, until).
  Too large or empty: 400. Part headers are parsed leniently (Linphone writes no space
  after ``;``).
- GET ``/tmp/<name>``: the file; 404 otherwise (or once ``expire`` removed it).
Runs in a thread on 127.0.0.1 with a free port; ``stop`` closes the socket, ``start``
opens it again on the same port ("the upload server is down, then back").
"""

from __future__ import annotations

import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

XML = ('<?xml version="1.0" encoding="UTF-8"?><file xmlns="urn:gsma:params:xml:ns:rcs:rcs:'
       'fthttp">\n<file-info type="file">\n<file-size>{size}</file-size>\n'
       "<file-name>{name}</file-name>\n<content-type>{ctype}</content-type>\n"
       '<data url = "{url}" until = "2099-12-31T23:59:59Z"/>\n</file-info>\n</file>')


class FtHttpServer:
    def __init__(self, folder: Path, max_size: int = 10 * 1024 * 1024, port: int = 0) -> None:
        self.folder = folder
        self.max_size = max_size
        self.port = port
        self.requests: list[tuple[str, int]] = []  # (method, body length) as they came
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hft.php"

    def start(self) -> FtHttpServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def stored(self) -> list[Path]:
        return sorted(self.folder.iterdir())

    def expire(self) -> None:
        for path in self.stored():
            path.unlink()


def _handler(server: FtHttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0") or 0)
            server.requests.append(("POST", length))
            if length == 0:
                self._reply(204)
                return
            if length > server.max_size + 4096:
                self._reply(400)
                return
            body = self.rfile.read(length)
            part = _file_part(self.headers.get("Content-Type", ""), body)
            if part is None or not part[2]:
                self._reply(400)
                return
            filename, ctype, data = part
            ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
            name = f"{secrets.token_hex(6)}_{secrets.token_hex(10)}.{ext}"
            (server.folder / name).write_bytes(data)
            xml = XML.format(size=len(data), name=filename, ctype=ctype,
                             url=f"http://127.0.0.1:{server.port}/tmp/{name}")
            self._reply(200, xml.encode(), "application/vnd.gsma.rcs-ft-http+xml")

        def do_GET(self) -> None:  # noqa: N802
            server.requests.append(("GET", 0))
            name = self.path.rsplit("/", 1)[-1]
            path = server.folder / name
            if not self.path.startswith("/tmp/") or not path.is_file():
                self._reply(404, b"<html>not found</html>", "text/html")
                return
            self._reply(200, path.read_bytes(), "application/octet-stream")

        def _reply(self, code: int, body: bytes = b"", ctype: str = "text/plain") -> None:
            self.send_response(code)
            if code != 204:
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


def _file_part(content_type: str, body: bytes) -> tuple[str, str, bytes] | None:
    match = re.search(r"boundary=\"?([^\";]+)\"?", content_type)
    if not match:
        return None
    for part in body.split(b"--" + match.group(1).encode()):
        head, sep, data = part.partition(b"\r\n\r\n")
        text = head.decode("utf-8", "replace")
        if not sep or not re.search(r'name="File"', text):
            continue
        name = re.search(r'filename="([^"]*)"', text)
        ctype = re.search(r"(?im)^content-type:\s*(\S+)", text)
        return (name.group(1) if name else "file", ctype.group(1) if ctype else
                "application/octet-stream", data.removesuffix(b"\r\n"))
    return None
