"""A received image as a small half-block picture for the chat (Pillow only, no new
dependency). Decoding runs in a worker thread; anything unreadable gives None."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from rich.console import RenderableType

from tuiphone.ui.avatar import HalfBlock, load_image

PREVIEW_PIXELS = (24, 16)  # 24 cells wide, 8 rows high
MAX_BYTES = 32 * 1024 * 1024


def is_image(name: str) -> bool:
    kind = mimetypes.guess_type(name)[0] or ""
    return kind.startswith("image/")


def image_preview(path: str) -> RenderableType | None:
    """The picture at ``path`` centre-cropped to PREVIEW_PIXELS, or None. Blocking."""
    try:
        file = Path(path)
        if file.stat().st_size > MAX_BYTES:
            return None
        return HalfBlock.from_image(load_image(file.read_bytes(), PREVIEW_PIXELS))
    except Exception:  # noqa: BLE001 - a broken or hostile image shows no preview
        return None
