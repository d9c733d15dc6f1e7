"""The HTTP layer: one httpx.AsyncClient, redirects kept by hand, errors mapped.

All coroutines run on the caller's asyncio loop. Every failure surfaces as a
``tuiphone.contacts.errors.DavError`` subclass with a message naming the URL.
"""

from __future__ import annotations

import functools
import os
import ssl
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import TracebackType

import httpx

from tuiphone.contacts.dav.auth import make_auth
from tuiphone.contacts.errors import (
    ConflictError,
    ContactsError,
    DavAuthError,
    DavConnectionError,
    DavError,
    DavHttpError,
    DavProtocolError,
    DavTimeout,
)

_MAX_REDIRECTS = 5
# A whole address book with photos is some MB; past this a reply is a broken or hostile
# server, and reading on would only fill memory.
MAX_REPLY_BYTES = 64 * 1024 * 1024
_XML = {"Content-Type": "application/xml; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class DavSettings:
    """How to reach a CardDAV server. ``password`` is the secret itself (the caller
    resolved it); ``auth`` is "auto", "basic", "digest" or "none"; ``ca_file`` adds a
    CA to trust; ``verify=False`` turns TLS checks off (not recommended)."""

    url: str
    username: str = ""
    password: str = ""
    auth: str = "auto"
    verify: bool = True
    ca_file: str | None = None
    timeout_s: float = 20.0


def _verify(settings: DavSettings) -> ssl.SSLContext | bool:
    if not settings.verify:
        return False
    try:
        stamp = os.stat(settings.ca_file).st_mtime_ns if settings.ca_file else 0
        return _context(settings.ca_file, stamp)
    except (OSError, ssl.SSLError) as err:
        raise DavConnectionError(f"CA file {settings.ca_file}: cannot load: {err}") from err


@functools.lru_cache(maxsize=8)
def _context(ca_file: str | None, stamp: int) -> ssl.SSLContext:
    # Loading the CA store takes ~75 ms on a slow box: do it once per CA file
    # version (``stamp`` is its mtime), not on every sync.
    return ssl.create_default_context(cafile=ca_file)


def _transport_error(err: httpx.TransportError, url: str) -> DavError:
    if isinstance(err, httpx.TimeoutException):
        return DavTimeout(f"{url}: no answer within the time limit ({type(err).__name__})")
    reason = str(err) or type(err).__name__
    if "CERTIFICATE_VERIFY_FAILED" in reason or "certificate" in reason.lower():
        return DavConnectionError(f"{url}: TLS certificate not trusted: {reason}")
    return DavConnectionError(f"{url}: cannot connect: {reason}")


def status_error(response: httpx.Response, what: str) -> ContactsError:
    """The error for an unexpected status of ``what`` (a short description)."""
    code = response.status_code
    url = str(response.request.url)
    if code == 401:
        return DavAuthError(f"{url}: wrong user name or password ({what})", code)
    if code == 403:
        return DavAuthError(f"{url}: access forbidden ({what})", code)
    if code == 412:
        return ConflictError(f"{url}: changed on the server since it was read ({what})")
    return DavHttpError(f"{url}: {what} failed: {code} {response.reason_phrase}", code)


class DavClient:
    """Async CardDAV HTTP client; use as ``async with DavClient(settings) as c``."""

    def __init__(
        self, settings: DavSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.base = settings.url if settings.url.endswith("/") else settings.url + "/"
        self._http = httpx.AsyncClient(
            auth=make_auth(settings.auth, settings.username, settings.password),
            verify=_verify(settings),
            timeout=settings.timeout_s,
            follow_redirects=False,
            transport=transport,
        )

    async def __aenter__(self) -> DavClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def url(self, href: str) -> str:
        """Absolute URL for an href (path or URL) relative to the server."""
        return urllib.parse.urljoin(self.base, href)

    async def request(
        self,
        method: str,
        href: str,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request, re-sending method and body across redirects. Returns any
        status; raises DavTimeout/DavConnectionError on transport failure."""
        url = self.url(href)
        content = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {**(_XML if isinstance(body, str) else {}), **(headers or {})}
        for _ in range(_MAX_REDIRECTS + 1):
            try:
                response = await self._bounded(method, url, content, all_headers)
            except httpx.TransportError as err:
                raise _transport_error(err, url) from err
            location = response.headers.get("location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            url = urllib.parse.urljoin(url, location)
        raise DavHttpError(f"{url}: too many redirects", 310)

    async def _bounded(self, method: str, url: str, content: bytes | None,
                       headers: dict[str, str]) -> httpx.Response:
        """The response, read whole; DavProtocolError past ``MAX_REPLY_BYTES``."""
        request = self._http.build_request(method, url, content=content, headers=headers)
        response = await self._http.send(request, stream=True)
        try:
            body = bytearray()
            # a reply held in memory (an in-process transport) was read when it was made
            chunks = _one(response.content) if response.is_stream_consumed else (
                response.aiter_raw())
            async for chunk in chunks:
                body += chunk
                if len(body) > MAX_REPLY_BYTES:
                    raise DavProtocolError(
                        f"{url}: the reply is larger than {MAX_REPLY_BYTES // 2**20} MB; "
                        "not read further")
        finally:
            await response.aclose()
        return httpx.Response(response.status_code, headers=response.headers,
                              content=bytes(body), request=request,
                              extensions=response.extensions)

    async def xml(self, method: str, href: str, body: str, depth: str, what: str) -> httpx.Response:
        """PROPFIND/REPORT expecting 207; other statuses raise via ``status_error``."""
        response = await self.request(method, href, body, {"Depth": depth})
        if response.status_code != 207:
            raise status_error(response, what)
        return response


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data
