"""Avatar tiles for contact ids: photo fetched from the engine, decoded off the loop,
cached per (contact, size) until the address books change (``clear``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import RenderableType

from tuiphone.ui.avatar import Placeholder, render_avatar

PhotoFetch = Callable[[str], Awaitable[dict[str, str] | None]]  # PhoneApi.contact_photo


class AvatarLoader:
    def __init__(self, fetch: PhotoFetch | None, mode: str = "auto") -> None:
        self.fetch = fetch
        self.mode = mode
        self._tiles: dict[tuple[str, int, int], RenderableType] = {}

    def clear(self) -> None:
        self._tiles.clear()

    def cached(self, contact_id: str, cells: tuple[int, int]) -> RenderableType | None:
        return self._tiles.get((contact_id, *cells))

    async def tile(
        self, contact_id: str, name: str, cells: tuple[int, int], has_photo: bool = True
    ) -> RenderableType:
        """The contact's photo as a ``cells`` (width, height) tile, else its initials.
        Never raises: an engine error or a bad picture gives the placeholder."""
        key = (contact_id, *cells)
        hit = self._tiles.get(key)
        if hit is not None:
            return hit
        tile: RenderableType = Placeholder(name, cells)
        if has_photo and self.fetch is not None and self.mode != "off":
            try:
                payload = await self.fetch(contact_id)
            except Exception:  # noqa: BLE001 - no picture is better than no contact
                payload = None
            if payload:
                tile = await asyncio.to_thread(_render, payload, cells, self.mode, name)
        self._tiles[key] = tile
        return tile


def _render(payload: dict[str, Any], cells: tuple[int, int], mode: str, name: str) -> Any:
    from tuiphone.engine.contact_data import photo_from_payload

    return render_avatar(photo_from_payload(payload), cells, mode, name)
