"""A provider's provisioning service for the lab: stdlib http.server + ssl, run as a
process (in a far namespace host). ``python -m tests.lab.provserver DIR ADDR PORT``.

DIR holds ``server.pem``/``server.key`` (TLS, if present), ``expect.json`` (the query
values ``/acro`` must see: the filled placeholders), ``account.xml`` and
``account.toml`` (the answers, re-read on every request so a test can change them),
and ``requests.jsonl``: one line per request (path, query, headers, body) for asserts.

Paths: ``/acro`` 200 Account XML if the query matches expect.json, else 403 with a
``<message>``; ``/toml`` tuiphone's own format (same check); ``/forbidden`` 403 with a
message; ``/error`` 500; ``/stall`` never answers (until the client gives up);
``/etag`` 304 when If-None-Match matches; ``/malformed``; ``/bomb`` (entity expansion);
``/huge`` a 5 MiB body.
"""

from __future__ import annotations

import json
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FORBIDDEN = b"<error><message>Invalid username or password</message></error>"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<account><title>&lol3;</title><username>a</username><host>h</host></account>"""
STOP = threading.Event()


class Handler(BaseHTTPRequestHandler):
    root: Path

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        sys.stderr.write(f"{self.command} {self.path}\n")

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self._serve(self.rfile.read(length))

    def _serve(self, body: bytes) -> None:
        url = urllib.parse.urlsplit(self.path)
        text = url.query + "&" + body.decode(errors="replace") if body else url.query
        query = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        with (self.root / "requests.jsonl").open("a") as log:
            log.write(json.dumps({"path": url.path, "query": query, "raw_query": url.query,
                                  "headers": dict(self.headers), "body": body.decode(
                                      errors="replace")}) + "\n")
        route = getattr(self, "_" + url.path.strip("/").replace("-", "_"), None)
        if route is None:
            self._reply(404, b"no such path", "text/plain")
            return
        route(query)

    def _reply(self, code: int, body: bytes, kind: str = "application/xml",
               headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _checked(self, query: dict[str, str], name: str, kind: str) -> None:
        expect = json.loads((self.root / "expect.json").read_text())
        if any(query.get(k) != v for k, v in expect.items()):
            self._reply(403, FORBIDDEN)
            return
        self._reply(200, (self.root / name).read_bytes(), kind,
                    {"ETag": '"v1"'})

    def _acro(self, query: dict[str, str]) -> None:
        self._checked(query, "account.xml", "application/xml")

    def _toml(self, query: dict[str, str]) -> None:
        self._checked(query, "account.toml", "application/toml")

    def _forbidden(self, query: dict[str, str]) -> None:
        self._reply(403, FORBIDDEN)

    def _error(self, query: dict[str, str]) -> None:
        self._reply(500, b"<html>internal error</html>", "text/html")

    def _stall(self, query: dict[str, str]) -> None:
        STOP.wait(60)

    def _etag(self, query: dict[str, str]) -> None:
        tag = '"' + str(len((self.root / "account.xml").read_bytes())) + '"'
        if self.headers.get("If-None-Match") == tag:
            self._reply(304, b"", headers={"ETag": tag})
            return
        self._reply(200, (self.root / "account.xml").read_bytes(), headers={"ETag": tag})

    def _malformed(self, query: dict[str, str]) -> None:
        self._reply(200, b"<account><username>alice</username><host>h</account")

    def _bomb(self, query: dict[str, str]) -> None:
        self._reply(200, BOMB)

    def _huge(self, query: dict[str, str]) -> None:
        self._reply(200, b"<account>" + b" " * (5 * 1024 * 1024) + b"</account>")


def main() -> None:
    root, addr, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    Handler.root = root
    server = ThreadingHTTPServer((addr, port), Handler)
    server.daemon_threads = True
    if (root / "server.pem").exists():
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(root / "server.pem", root / "server.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on {addr}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
