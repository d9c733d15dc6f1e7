"""HTTP authentication: Basic, Digest, or whichever the server's 401 asks for."""

from __future__ import annotations

from collections.abc import Generator

import httpx


class AutoAuth(httpx.Auth):
    """Send the first request bare; answer a 401 with Digest or Basic as challenged."""

    def __init__(self, username: str, password: str) -> None:
        self._basic = httpx.BasicAuth(username, password)
        self._digest = httpx.DigestAuth(username, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        challenge = response.headers.get("www-authenticate", "")
        if response.status_code != 401 or not challenge:
            return
        self._chosen = self._digest if challenge.lower().startswith("digest") else self._basic
        yield from self._chosen.auth_flow(request)


def make_auth(mode: str, username: str, password: str) -> httpx.Auth | None:
    """``mode`` is "basic", "digest", "auto" or "none"; no user name means no auth."""
    if not username or mode == "none":
        return None
    if mode == "basic":
        return httpx.BasicAuth(username, password)
    if mode == "digest":
        return httpx.DigestAuth(username, password)
    return AutoAuth(username, password)
