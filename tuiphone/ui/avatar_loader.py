"""Avatar tiles for contact ids: photo fetched from the engine, decoded off the loop,
cached per (contact, size) until the address books change (``clear``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType

from tuiphone.model.contact import ContactPhoto
from tuiphone.ui.avatar import Placeholder, graphics_kind, render_avatar

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

PhotoFetch = Callable[[str], Awaitable[ContactPhoto | None]]  # PhoneApi.contact_photo


@dataclass(frozen=True, slots=True)
class SixelTile:
    """A photo for a Sixel terminal: shown by a widget, not as a renderable."""

    image: PilImage
    cells: tuple[int, int]


class AvatarLoader:
    def __init__(self, fetch: PhotoFetch | None, mode: str = "auto") -> None:
        self.fetch = fetch
        self.mode = mode
        self._tiles: dict[tuple[str, int, int], RenderableType | SixelTile] = {}

    def clear(self) -> None:
        self._tiles.clear()

    def cached(
        self, contact_id: str, cells: tuple[int, int]
    ) -> RenderableType | SixelTile | None:
        return self._tiles.get((contact_id, *cells))

    async def tile(
        self, contact_id: str, name: str, cells: tuple[int, int], has_photo: bool = True
    ) -> RenderableType | SixelTile:
        """The contact's photo as a ``cells`` (width, height) tile, else its initials.
        Never raises: an engine error or a bad picture gives the placeholder."""
        key = (contact_id, *cells)
        hit = self._tiles.get(key)
        if hit is not None:
            return hit
        tile: RenderableType | SixelTile = Placeholder(name, cells)
        if has_photo and self.fetch is not None and self.mode != "off":
            try:
                payload = await self.fetch(contact_id)
            except Exception:  # noqa: BLE001 - no picture is better than no contact
                payload = None
            if payload is not None and not payload.empty:
                tile = await asyncio.to_thread(_render, payload, cells, self.mode, name)
        self._tiles[key] = tile
        return tile


def _render(payload: ContactPhoto, cells: tuple[int, int], mode: str, name: str) -> Any:
    from tuiphone.ui.avatar import decode_photo

    photo = payload.decoded()
    if graphics_kind(mode) == "sixel":
        image = decode_photo(photo, (cells[0] * 8, cells[1] * 16))  # ~ a cell's pixels
        if image is not None:
            return SixelTile(image, cells)
    return render_avatar(photo, cells, mode, name)
