"""One provisioning request: GET or POST, capped at 1 MiB, TLS verified, with a timeout.

Errors, each one line: NetworkError (exit 5) for DNS, connection, TLS and timeouts;
Refused (exit 4) for a non-2xx answer, carrying the provider's ``<message>``; Unusable
(exit 2) for a body over the cap. A 304 to a conditional request is ``not_modified``.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass, field

from tuiphone import __version__
from tuiphone.model.errors import NetworkError, SipError
from tuiphone.provision.translation import Unusable

MAX_BYTES = 1024 * 1024
log = logging.getLogger("tuiphone.provision")


class Refused(SipError):
    """The provisioning server answered non-2xx (exit 4, like a refused REGISTER)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.args = (f"provisioning refused by the server (HTTP {code}): {message}",)


@dataclass(frozen=True, slots=True)
class Request:
    url: str
    shown: str  # the URL as logs and status show it (passwords redacted)
    method: str = "GET"
    body: str = ""
    content_type: str = "application/x-www-form-urlencoded"
    timeout_s: float = 30.0
    verify: bool = True
    ca_file: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _verify(request: Request) -> ssl.SSLContext | bool:
    if not request.verify:
        return False
    context = ssl.create_default_context(cafile=request.ca_file)
    return context


async def fetch(request: Request) -> Response:
    import httpx

    headers = {"User-Agent": f"tuiphone/{__version__}", "Accept": "application/xml, text/xml, "
               "application/toml, text/plain;q=0.5"}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    content: bytes | None = None
    if request.method != "GET":
        headers["Content-Type"] = request.content_type
        content = request.body.encode("utf-8")
    log.info("provisioning request: %s %s", request.method, request.shown)
    try:
        verify = _verify(request)
    except (OSError, ssl.SSLError) as err:
        raise NetworkError(f"provisioning CA file {request.ca_file}: cannot load: {err}") from err
    try:
        async with (
            asyncio.timeout(request.timeout_s),
            httpx.AsyncClient(verify=verify, timeout=request.timeout_s,
                              follow_redirects=False, trust_env=False) as client,
            client.stream(request.method, request.url, headers=headers,
                          content=content) as reply,
        ):
            body = await _read_capped(reply, request.shown)
    except (httpx.TimeoutException, TimeoutError) as err:
        raise NetworkError(f"{request.shown}: no answer within {request.timeout_s:g} s") from err
    except httpx.HTTPError as err:
        raise NetworkError(f"{request.shown}: {_reason(err)}") from err
    response = Response(reply.status_code, body, reply.headers.get("content-type", ""),
                        reply.headers.get("etag"), reply.headers.get("last-modified"))
    log.info("provisioning response: HTTP %d, %d bytes, %s", response.status, len(body),
             response.content_type or "no content type")
    if response.status == 304 or 200 <= response.status < 300:
        return response
    raise Refused(response.status, refusal_message(response))


async def _read_capped(reply: object, shown: str) -> bytes:
    import httpx

    assert isinstance(reply, httpx.Response)
    length = reply.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise Unusable(f"{shown}: the response is {int(length)} bytes, over the "
                       f"{MAX_BYTES} byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in reply.aiter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise Unusable(f"{shown}: the response is over the {MAX_BYTES} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate not trusted (set [provisioning] ca_file to the provider's CA)"
    return text.splitlines()[0][:200]


def refusal_message(response: Response) -> str:
    """The provider's ``<message>``, else a short text/plain body, else a generic text."""
    body = response.body[:65536]
    if b"<" in body:
        from tuiphone.provision.acrobits import parse_xml

        try:
            root = parse_xml(body, "response")
        except Unusable:
            root = None
        if root is not None:
            found = root if root.tag == "message" else root.find(".//message")
            if found is not None and (found.text or "").strip():
                return " ".join((found.text or "").split())[:300]
    if response.content_type.startswith("text/plain") and 0 < len(body) <= 300:
        text = body.decode("utf-8", errors="replace").strip()
        if text:
            return " ".join(text.split())
    return f"provisioning failed (HTTP {response.status})"
