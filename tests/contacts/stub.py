"""A tiny stdlib HTTP server whose answers each test scripts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Reply = tuple[int, dict[str, str], bytes]
Handler = Callable[[Request], Reply]


@dataclass
class Stub:
    url: str
    handler: Handler
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def _handler_class(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handle(BaseHTTPRequestHandler):
        def _any(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(size),
            )
            stub.requests.append(request)
            status, headers, body = stub.handler(request)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handle


@contextmanager
def stub_server(handler: Handler) -> Iterator[Stub]:
    stub = Stub("", handler)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(stub))
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.release.set()  # unblock handlers that hang on purpose
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def multistatus(*responses: str, token: str | None = None) -> bytes:
    sync = f"<d:sync-token>{token}</d:sync-token>" if token is not None else ""
    inner = "".join(responses)
    return (
        f'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">{inner}{sync}</d:multistatus>'.encode()
    )


def member(href: str, etag: str, data: str | None = None, status: int = 200) -> str:
    if status != 200:
        gone = f"<d:status>HTTP/1.1 {status} X</d:status>"
        return f"<d:response><d:href>{href}</d:href>{gone}</d:response>"
    card = (
        f'<c:address-data xmlns:c="urn:ietf:params:xml:ns:carddav">{data}</c:address-data>'
        if data is not None
        else ""
    )
    return (
        f"<d:response><d:href>{href}</d:href><d:propstat><d:prop><d:getetag>{etag}</d:getetag>"
        f"{card}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
    )
