"""The upload/download client against the FT-HTTP test server (stdlib, in-process)."""

from __future__ import annotations

import io
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.ftserver import FtHttpServer
from tuiphone.files import http
from tuiphone.files.errors import TooLarge, TransferError


@pytest.fixture
def ft(tmp_path):
    server = FtHttpServer(tmp_path / "ft", max_size=1024 * 1024).start()
    yield server
    server.stop()


def _fetch(url: str, limit: int = 10**9, expect: str = "application/octet-stream") -> bytes:
    out = io.BytesIO()
    http.download(url, limit, expect, None, lambda chunks: [out.write(c) for c in chunks])
    return out.getvalue()


def test_fthttp_two_step_post_then_get(ft, tmp_path):
    data = os.urandom(300_000)
    src = tmp_path / "cipher"
    src.write_bytes(data)
    seen: list[int] = []
    url, until = http.fthttp_upload(ft.url, src, "image/png", seen.append)
    assert ft.requests[:2] == [("POST", 0), ("POST", ft.requests[1][1])]
    assert ft.requests[1][1] > len(data)  # the multipart body
    assert until == "2099-12-31T23:59:59Z"
    assert url.endswith(".txt")  # the server only saw filename.txt, never the real name
    assert seen[-1] == len(data)
    assert _fetch(url) == data


def test_fthttp_refusals_are_clear(ft, tmp_path):
    big = tmp_path / "big"
    big.write_bytes(bytes(2 * 1024 * 1024))
    with pytest.raises(TransferError, match="HTTP 400") as err:
        http.fthttp_upload(ft.url, big, "image/png")
    assert not err.value.transient
    with pytest.raises(TransferError, match=r"HTTP 404 \(not found: the link expired"):
        _fetch(f"http://127.0.0.1:{ft.port}/tmp/nothing")


def test_an_unreachable_server_is_transient(ft, tmp_path):
    src = tmp_path / "f"
    src.write_bytes(b"x")
    ft.stop()
    with pytest.raises(TransferError) as err:
        http.fthttp_upload(ft.url, src, "text/plain")
    assert err.value.transient
    with pytest.raises(TransferError) as err:
        http.put_upload(ft.url, src)
    assert err.value.transient


def test_download_caps_the_size(ft, tmp_path):
    src = tmp_path / "f"
    src.write_bytes(bytes(200_000))
    url, _ = http.fthttp_upload(ft.url, src, "application/octet-stream")
    with pytest.raises(TooLarge):
        _fetch(url, limit=100_000)
    assert len(_fetch(url, limit=200_000)) == 200_000


def test_a_200_web_page_is_not_taken_for_the_file():
    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = b"<html>please log in</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(TransferError, match="web page"):
            _fetch(f"http://127.0.0.1:{httpd.server_address[1]}/f", expect="image/png")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_unusable_url_is_a_clear_error():
    with pytest.raises(TransferError, match="not a usable URL"):
        _fetch("http://[::1")
