"""Avatars: half-block tiles from PNG and JPEG, placeholders for anything else."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from rich.console import Console
from rich.segment import Segment

from tuiphone.ui import avatar
from tuiphone.ui.avatar import UPPER_HALF, HalfBlock, Placeholder, initials, render_avatar

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def encode(image: Image.Image, fmt: str, **kw: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def lines(renderable: object, width: int = 80) -> list[list[Segment]]:
    console = Console(width=width, color_system="truecolor", force_terminal=False)
    return console.render_lines(renderable, console.options, pad=False)  # type: ignore[arg-type]


def striped_png() -> bytes:
    """4×4 pixels, one colour per pixel row: red, green, blue, white."""
    image = Image.new("RGB", (4, 4))
    for y, colour in enumerate((RED, GREEN, BLUE, WHITE)):
        for x in range(4):
            image.putpixel((x, y), colour)
    return encode(image, "PNG")


def test_png_two_pixels_per_cell_with_exact_colours() -> None:
    tile = render_avatar(("image/png", striped_png()), cells=(4, 2), mode="halfcell")
    assert isinstance(tile, HalfBlock)
    assert tile.rows == [[(RED, GREEN)] * 4, [(BLUE, WHITE)] * 4]
    rendered = lines(tile)
    assert len(rendered) == 2
    for row, (top, bottom) in zip(rendered, ((RED, GREEN), (BLUE, WHITE)), strict=True):
        assert [s.text for s in row] == [UPPER_HALF] * 4
        for seg in row:
            assert seg.style is not None
            assert seg.style.color is not None
            assert seg.style.bgcolor is not None
            assert seg.style.color.get_truecolor() == top
            assert seg.style.bgcolor.get_truecolor() == bottom


def test_jpeg_fills_the_tile_with_its_colour() -> None:
    colour = (200, 40, 60)
    data = encode(Image.new("RGB", (256, 256), colour), "JPEG", quality=95)
    tile = render_avatar(("image/jpeg", data), cells=(16, 8), mode="halfcell", name="Jo")
    assert isinstance(tile, HalfBlock)
    assert (tile.width, tile.height) == (16, 8)
    rendered = lines(tile)
    assert len(rendered) == 8
    assert all(sum(len(s.text) for s in row) == 16 for row in rendered)
    for row in tile.rows:
        for top, bottom in row:
            for got in (top, bottom):
                assert all(abs(a - b) <= 8 for a, b in zip(got, colour, strict=True))


def test_jpeg_is_decoded_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import JpegImagePlugin

    asked: list[tuple[int, int]] = []
    real = JpegImagePlugin.JpegImageFile.draft

    def spy(self: Any, mode: str | None, size: tuple[int, int] | None) -> Any:
        result = real(self, mode, size)
        asked.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    data = encode(Image.new("RGB", (1024, 1024), (10, 20, 30)), "JPEG")
    tile = render_avatar(("image/jpeg", data), cells=(16, 8), mode="halfcell")
    assert isinstance(tile, HalfBlock)
    assert asked
    assert asked[0][0] <= 128  # libjpeg decoded at 1/8, not 1024 wide


def test_wide_photo_is_centre_cropped_and_transparency_flattened() -> None:
    image = Image.new("RGBA", (40, 10), (0, 0, 0, 0))
    for x in range(15, 25):
        for y in range(10):
            image.putpixel((x, y), (*BLUE, 255))
    tile = render_avatar(("image/png", encode(image, "PNG")), cells=(4, 2), mode="halfcell")
    assert isinstance(tile, HalfBlock)
    assert (tile.width, tile.height) == (4, 2)
    assert all(top == BLUE for row in tile.rows for top, _ in row[1:3])


@pytest.mark.parametrize(
    "photo",
    [
        ("image/jpeg", b"\xff\xd8\xff garbage, not a JPEG"),
        ("image/png", b""),
        ("url", "https://example.test/me.jpg"),
        None,
    ],
)
def test_bad_or_missing_photo_gives_initials(photo: Any) -> None:
    tile = render_avatar(photo, cells=(16, 8), name="Alice Liddell")
    assert isinstance(tile, Placeholder)
    rendered = lines(tile)
    assert len(rendered) == 8
    assert all(sum(len(s.text) for s in row) == 16 for row in rendered)
    text = "".join(s.text for row in rendered for s in row)
    assert text.strip() == "AL"


def test_off_mode_and_initials() -> None:
    assert isinstance(render_avatar(("image/png", striped_png()), mode="off"), Placeholder)
    assert initials("Alice Liddell") == "AL"
    assert initials("bob") == "B"
    assert initials("Mary Ann van Dyke") == "MD"
    assert initials("") == "?"


def test_auto_uses_half_blocks_when_not_a_terminal() -> None:
    tile = render_avatar(("image/png", striped_png()), cells=(4, 2), mode="auto")
    assert isinstance(tile, HalfBlock)
    assert avatar.prepare_graphics() == "halfcell"  # pytest's stdout is no terminal


def test_auto_uses_terminal_graphics_once_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual_image.renderable import SixelImage

    monkeypatch.setattr(avatar, "_stdout_is_tty", lambda: True)
    monkeypatch.setattr(avatar, "_graphics", SixelImage)
    tile = render_avatar(("image/png", striped_png()), cells=(4, 2), mode="auto")
    assert isinstance(tile, SixelImage)
    forced = render_avatar(("image/png", striped_png()), cells=(4, 2), mode="halfcell")
    assert isinstance(forced, HalfBlock)
