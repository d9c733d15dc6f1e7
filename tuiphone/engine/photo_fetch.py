"""Remote contact photos (``PHOTO;VALUE=uri:https://...``), fetched only when the
config allows (``[contacts] fetch_remote_photos = true``).

Bounded in every way a hostile or broken server could abuse: a size cap read as a
stream, a timeout, image content types only, TLS verification on. Results (and
failures) are remembered per URL for the life of the engine, so a photo is fetched
at most once and a dead server is not asked again on every redraw.
"""

from __future__ import annotations

from tuiphone.model.contact import ContactPhoto

MAX_BYTES = 2_000_000
TIMEOUT_S = 5.0
SCHEMES = ("https://", "http://")


class PhotoFetcher:
    def __init__(self, max_bytes: int = MAX_BYTES, timeout_s: float = TIMEOUT_S) -> None:
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self._seen: dict[str, ContactPhoto | None] = {}

    async def payload(self, url: str) -> ContactPhoto | None:
        """The image at ``url``, else None."""
        if url not in self._seen:
            self._seen[url] = await self._fetch(url)
        return self._seen[url]

    async def _fetch(self, url: str) -> ContactPhoto | None:
        if not url.lower().startswith(SCHEMES):
            return None
        import httpx  # only when a remote photo is really fetched

        try:
            async with (
                httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=True) as client,
                client.stream("GET", url) as response,
            ):
                mime = response.headers.get("content-type", "").split(";")[0].strip()
                if response.status_code != 200 or not mime.startswith("image/"):
                    return None
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        return None
        except (httpx.HTTPError, OSError, ValueError):
            return None
        if not body:
            return None
        return ContactPhoto.image(mime, bytes(body))
