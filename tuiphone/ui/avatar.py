"""Avatars: a contact's photo as a Rich renderable of a fixed size in cells.

``render_avatar(contact.photo(), cells=(16, 8), name=contact.display_name)``:

- ``mode="halfcell"``: our own half-block tile, Pillow only. Each cell shows two pixels
  stacked: ``▀`` with the upper pixel as foreground and the lower one as background, so a
  16×8-cell tile is a 16×16 picture. The photo is centre-cropped to the tile's shape and
  resized with LANCZOS; a JPEG is decoded at reduced scale first (``Image.draft``), which
  matters for phone-sized photos. About 0.7 ms per 16×8 tile.
- ``mode="auto"``: kitty (TGP) or Sixel graphics from textual-image when the terminal has
  them, else half-blocks. textual-image detects support by querying the terminal when it
  is imported, which breaks once Textual owns stdin, so auto only uses it after
  ``prepare_graphics()`` ran before ``App.run()``; it never imports it late.
- ``mode="kitty"``/``"sixel"`` force that protocol (after ``prepare_graphics()``), ``"off"``
  always gives the placeholder.

When the output is not a terminal every mode but "off" gives half-blocks. A photo that
is missing, a URL (never fetched), or bytes Pillow cannot read give a placeholder with
the contact's initials: rendering never raises. Decode in a worker thread when drawing
many tiles (1 ms × 50 tiles is too much for one frame) and cache per contact and size.
"""

from __future__ import annotations

import sys
import zlib
from io import BytesIO
from typing import TYPE_CHECKING, Any, Literal

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

AvatarMode = Literal["auto", "halfcell", "kitty", "sixel", "off"]
Photo = tuple[str, bytes] | tuple[str, str]
RGB = tuple[int, int, int]

UPPER_HALF = "\u2580"  # ▀
MAX_PIXELS = 40_000_000  # after draft: refuse decompression bombs, show initials instead
_PALETTE: tuple[RGB, ...] = (
    (0x5B, 0x6C, 0x8F), (0x6B, 0x8E, 0x6B), (0x8F, 0x6B, 0x5B), (0x7A, 0x5B, 0x8F),
    (0x5B, 0x8A, 0x8F), (0x8F, 0x7D, 0x4F), (0x8F, 0x5B, 0x74), (0x4F, 0x6F, 0x5F),
)
_BACKGROUND: RGB = (0, 0, 0)  # what transparent pixels are composited onto

_graphics: type[Any] | None = None  # textual-image's detected renderable class
_prepared = False


def _stdout_is_tty() -> bool:
    out = sys.__stdout__
    try:
        return out is not None and out.isatty()
    except (ValueError, OSError):
        return False


def prepare_graphics() -> str:
    """Detect kitty/Sixel support through textual-image. Call before ``App.run()``
    (detection talks to the terminal); cheap and idempotent. Returns "kitty", "sixel",
    or "halfcell" when neither is available (or textual-image is not installed)."""
    global _graphics, _prepared
    if not _prepared:
        _prepared = True
        if _stdout_is_tty():
            try:
                from textual_image import renderable
            except Exception:  # noqa: BLE001 - missing or broken: half-blocks it is
                renderable = None  # type: ignore[assignment]
            if renderable is not None and renderable.Image in (
                renderable.SixelImage, renderable.TGPImage
            ):
                _graphics = renderable.Image
            if _graphics is not None and _graphics is renderable.SixelImage:
                # Sixel is shown by textual-image's widget, whose import asks the
                # terminal for its cell size: do it now, not once Textual owns stdin
                import textual_image.widget  # noqa: F401
    return _graphics_name(_graphics)


def _graphics_name(cls: type[Any] | None) -> str:
    if cls is None:
        return "halfcell"
    return "sixel" if cls.__module__.endswith("sixel") else "kitty"


def initials(name: str) -> str:
    """'AL' for 'Alice Liddell', 'B' for 'bob', '?' for nothing."""
    words = [w for w in name.replace(",", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


class Placeholder:
    """A tile of one colour (chosen by name) with the initials in the middle row."""

    def __init__(self, name: str, cells: tuple[int, int] = (16, 8)) -> None:
        self.name = name
        self.width, self.height = max(1, cells[0]), max(1, cells[1])
        self.text = initials(name)[: self.width]
        r, g, b = _PALETTE[zlib.crc32(name.encode("utf-8", "replace")) % len(_PALETTE)]
        self.style = Style(color=Color.from_rgb(255, 255, 255), bold=True,
                           bgcolor=Color.from_rgb(r, g, b))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        middle = (self.height - 1) // 2
        for row in range(self.height):
            text = self.text.center(self.width) if row == middle else " " * self.width
            yield Segment(text, self.style)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


def _colour(rgb: RGB, seen: dict[RGB, Color]) -> Color:
    """A truecolor ``Color``, built directly: ``Color.from_rgb`` is 3x slower."""
    colour = seen.get(rgb)
    if colour is None:
        r, g, b = rgb
        colour = Color(f"#{r:02x}{g:02x}{b:02x}", ColorType.TRUECOLOR, None, ColorTriplet(r, g, b))
        seen[rgb] = colour
    return colour


class HalfBlock:
    """Pixels two to a cell. ``rows`` are pairs of pixel rows: (upper, lower) colours."""

    def __init__(self, rows: list[list[tuple[RGB, RGB]]]) -> None:
        self.rows = rows
        self.width = max((len(r) for r in rows), default=0)
        self.height = len(rows)
        colours: dict[RGB, Color] = {}
        self._lines = [
            [Segment(UPPER_HALF, Style.from_color(_colour(top, colours), _colour(bot, colours)))
             for top, bot in row]
            for row in rows
        ]

    @classmethod
    def from_image(cls, image: PilImage) -> HalfBlock:
        """``image`` must be RGB with an even height."""
        width, height = image.size
        raw = image.tobytes()
        pixels: list[RGB] = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]
        rows = [
            [(pixels[y * width + x], pixels[(y + 1) * width + x]) for x in range(width)]
            for y in range(0, height - 1, 2)
        ]
        return cls(rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self._lines:
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


def load_image(data: bytes, size: tuple[int, int]) -> PilImage:
    """Decode ``data`` and fit it (centre-crop, LANCZOS) to ``size`` pixels, RGB. JPEGs
    are decoded at reduced scale. Raises on anything Pillow cannot read."""
    from PIL import Image, ImageOps

    image: PilImage = Image.open(BytesIO(data))
    if image.format == "JPEG":
        image.draft("RGB", (size[0] * 2, size[1] * 2))  # libjpeg scales 1/2..1/8 for free
    if image.width * image.height > MAX_PIXELS:
        raise ValueError(f"image too large: {image.width}x{image.height}")
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*_BACKGROUND, 255))
        image = Image.alpha_composite(base, rgba)
    image = image.convert("RGB")
    return ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)


def decode_photo(photo: Photo | None, size: tuple[int, int]) -> PilImage | None:
    """The photo fitted to ``size`` pixels, or None (absent, a URL, unreadable)."""
    return _decode(photo, size)


def graphics_kind(mode: str) -> str:
    """What ``render_avatar`` would draw with in ``mode``: kitty, sixel or halfcell."""
    return _graphics_name(_graphics_for(mode))


def _decode(photo: Photo | None, size: tuple[int, int]) -> PilImage | None:
    if photo is None or len(photo) != 2 or not isinstance(photo[1], bytes) or not photo[1]:
        return None  # absent, or a ("url", url): never fetched here
    try:
        return load_image(photo[1], size)
    except Exception:  # noqa: BLE001 - any bad picture becomes initials, never a crash
        return None


def render_avatar(
    photo: Photo | None,
    cells: tuple[int, int] = (16, 8),
    mode: AvatarMode | str = "auto",
    name: str = "",
) -> RenderableType:
    """A ``cells`` (width, height) tile for ``photo`` as given by ``Contact.photo()``.
    Never raises: unreadable or missing photos give ``Placeholder(name)``."""
    width, height = max(1, cells[0]), max(1, cells[1])
    if mode == "off":
        return Placeholder(name, (width, height))
    graphics = _graphics_for(mode)
    image = _decode(photo, (width, height * 2))
    if image is None:
        return Placeholder(name, (width, height))
    if graphics is not None:
        try:
            return graphics(image, width=width, height=height)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - fall back to half-blocks
            pass
    return HalfBlock.from_image(image)


def _graphics_for(mode: str) -> type[Any] | None:
    """textual-image's renderable class to use, or None for half-blocks."""
    if mode == "halfcell" or not _stdout_is_tty():
        return None
    if mode == "auto":
        return _graphics
    if mode in ("kitty", "sixel"):
        try:
            from textual_image import renderable
        except Exception:  # noqa: BLE001
            return None
        return renderable.TGPImage if mode == "kitty" else renderable.SixelImage
    return None

