"""Remote contact photos: never fetched unless the config says so; then bounded."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from tuiphone.config.schema import AppConfig, ContactsConfig, EngineConfig
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.photo_fetch import PhotoFetcher
from tuiphone.host.build import build_phone
from tuiphone.model.contact import ContactPhoto

PNG = io.BytesIO()
Image.new("RGB", (8, 8), (10, 200, 10)).save(PNG, "PNG")


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Handler.hits.append(self.path)
        body, kind = {
            "/face.png": (PNG.getvalue(), "image/png"),
            "/page.html": (b"<html>not a picture</html>", "text/html"),
            "/huge.png": (b"\0" * 5000, "image/png"),
        }.get(self.path, (b"", "text/plain"))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hits.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


async def test_fetcher_takes_images_only_within_the_cap(server: str) -> None:
    fetcher = PhotoFetcher(max_bytes=4000)
    got = await fetcher.payload(f"{server}/face.png")
    assert got is not None
    assert got.decoded() == ("image/png", PNG.getvalue())
    assert await fetcher.payload(f"{server}/page.html") is None
    assert await fetcher.payload(f"{server}/huge.png") is None
    assert await fetcher.payload(f"{server}/gone.png") is None
    assert await fetcher.payload("file:///etc/passwd") is None
    await fetcher.payload(f"{server}/face.png")
    assert Handler.hits.count("/face.png") == 1  # remembered, not fetched again


@pytest.mark.parametrize("allowed", [False, True])
async def test_the_engine_fetches_only_when_allowed(
    server: str, tmp_path: Path, allowed: bool
) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "a.vcf").write_bytes(
        (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a-1\r\nFN:Ann\r\n"
         f"PHOTO;VALUE=uri:{server}/face.png\r\nEND:VCARD\r\n").encode())
    config = AppConfig(accounts=(), engine=EngineConfig(echo_line=False),
                       contacts=ContactsConfig(vdirs=(str(book),), fetch_remote_photos=allowed))
    phone = build_phone(config, backend=FakeBackend(), db_path=tmp_path / "t.db")
    await phone.start()
    try:
        await phone.callerid.ready()
        photo = await phone.contact_photo("a-1")
        assert photo is not None
        if allowed:
            assert photo.mime == "image/png"
            assert Handler.hits == ["/face.png"]
        else:
            assert photo == ContactPhoto("url", url=f"{server}/face.png")
            assert Handler.hits == []
    finally:
        await phone.stop()
