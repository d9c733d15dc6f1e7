"""The upload servers and downloads, over httpx (blocking; run in a worker thread).

- ``put``: PUT the ciphertext to the base URL plus a random name (WebDAV, nginx's dav
  module); that URL is the download URL.
- ``fthttp``: RCS FT-over-HTTP as Flexisip serves it: an empty POST answered 204, then a
  multipart/form-data POST with one part ``File`` (filename ``filename.txt``, so the
  real name never reaches the server) answered 200 with the fthttp XML naming the URL.
Refusals (413, 4xx) are permanent; an unreachable server or a 5xx is transient.
"""

from __future__ import annotations

import os
import secrets
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuiphone.files import fthttp
from tuiphone.files.crypto import CHUNK
from tuiphone.files.errors import BadFile, TooLarge, TransferError

if TYPE_CHECKING:
    import httpx

Progress = Callable[[int], None]
TIMEOUT_S, CONNECT_TIMEOUT_S = 30.0, 10.0
USER_AGENT = "tuiphone"
_TLS: list[ssl.SSLContext] = []  # made once: building it costs ~70 ms per client


def _client(**kwargs: Any) -> httpx.Client:
    import httpx  # ~60 ms (it pulls in rich and click): only when a file moves

    if not _TLS:
        _TLS.append(httpx.create_ssl_context())
    timeout = httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    return httpx.Client(timeout=timeout, verify=_TLS[0], **kwargs)


def _stream(path: Path, progress: Progress | None, head: bytes = b"",
            tail: bytes = b"") -> Iterator[bytes]:
    yield head
    done = 0
    with path.open("rb") as src:
        while chunk := src.read(CHUNK):
            done += len(chunk)
            yield chunk
            if progress:
                progress(done)
    yield tail


def _refused(what: str, response: httpx.Response) -> TransferError:
    code = response.status_code
    why = {413: "the file is larger than the server accepts",
           404: "not found: the link expired or the file was removed",
           410: "gone: the link expired"}.get(code, response.reason_phrase)
    return TransferError(f"{what}: HTTP {code} ({why})", transient=code >= 500, status=code)


def _unreachable(what: str, err: httpx.HTTPError) -> TransferError:
    return TransferError(f"{what}: {type(err).__name__}: {err or 'no answer'}", transient=True)


def put_upload(base_url: str, path: Path, progress: Progress | None = None) -> str:
    """PUT ``path`` under a random name; returns its URL. Raises TransferError."""
    url = f"{base_url.rstrip('/')}/{secrets.token_hex(16)}"
    size = os.path.getsize(path)
    headers = {"Content-Length": str(size), "Content-Type": "application/octet-stream",
               "User-Agent": USER_AGENT}
    import httpx

    try:
        with _client() as client:
            response = client.put(url, content=_stream(path, progress), headers=headers)
    except httpx.InvalidURL as err:
        raise TransferError(f"upload to {base_url}: not a usable URL: {err}") from None
    except httpx.HTTPError as err:
        raise _unreachable(f"upload to {base_url}", err) from None
    if response.status_code not in (200, 201, 204):
        raise _refused(f"upload to {base_url}", response)
    return url


def fthttp_upload(server: str, path: Path, content_type: str,
                  progress: Progress | None = None) -> tuple[str, str]:
    """The two-step POST; returns the file's URL and its expiry (may be "")."""
    boundary = secrets.token_hex(16)
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"File\"; "
            f"filename=\"filename.txt\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + os.path.getsize(path) + len(tail)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Content-Length": str(size), "User-Agent": USER_AGENT}
    what = f"upload to {server}"
    import httpx

    try:
        with _client() as client:
            first = client.post(server, headers={"User-Agent": USER_AGENT})
            if first.status_code != 204:
                raise _refused(f"{what} (the first, empty POST wants 204)", first)
            response = client.post(server, content=_stream(path, progress, head, tail),
                                   headers=headers)
    except httpx.InvalidURL as err:
        raise TransferError(f"{what}: not a usable URL: {err}") from None
    except httpx.HTTPError as err:
        raise _unreachable(what, err) from None
    if response.status_code == 400:  # Flexisip: too large or empty
        raise TransferError(f"{what}: HTTP 400 (refused: probably too large)", status=400)
    if response.status_code != 200:
        raise _refused(what, response)
    try:
        offer = fthttp.parse(response.text)
    except BadFile as err:
        raise TransferError(f"{what}: the server's answer is unusable: {err}") from None
    return offer.url, offer.until


def download(url: str, max_size: int, expect_type: str, progress: Progress | None,
             sink: Callable[[Iterator[bytes]], object]) -> None:
    """GET ``url`` and hand its body to ``sink`` as chunks, refusing more than
    ``max_size`` bytes (before by Content-Length, during by counting) and an HTML page
    where a file was expected (an error or login page). Raises TransferError, TooLarge."""
    import httpx

    try:
        with _client(follow_redirects=True) as client, \
                client.stream("GET", url, headers={"User-Agent": USER_AGENT,
                                                   "Accept-Encoding": "identity"}) as response:
            if response.status_code != 200:
                raise _refused("download", response)
            _check_head(response, max_size, expect_type)
            # identity encoding asked for: the raw body is the file, without re-chunking
            sink(_counted(response.iter_raw(), max_size, progress))
    except httpx.InvalidURL as err:
        raise TransferError(f"download: not a usable URL: {err}") from None
    except httpx.HTTPError as err:
        raise _unreachable(f"download from {_host(url)}", err) from None


def _host(url: str) -> str:
    import httpx

    try:
        return httpx.URL(url).host or url[:60]
    except httpx.InvalidURL:
        return url[:60]


def _check_head(response: httpx.Response, max_size: int, expect_type: str) -> None:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_size:
        raise TooLarge(f"the file is {int(length)} bytes, over the limit of {max_size}")
    served = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if served == "text/html" and not expect_type.lower().startswith("text/html"):
        raise TransferError("download: the server sent a web page, not the file "
                            "(an error or login page?)", status=response.status_code)


def _counted(chunks: Iterator[bytes], max_size: int, progress: Progress | None
             ) -> Iterator[bytes]:
    done = 0
    for chunk in chunks:
        done += len(chunk)
        if done > max_size:
            raise TooLarge(f"the file is over the limit of {max_size} bytes")
        if progress:
            progress(done)
        yield chunk
