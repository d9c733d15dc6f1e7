"""QuickDial avatars: a photo tile at the left of a key whose contact has a PHOTO,
nothing for the rest, refreshed when the books change and kept with a moved key."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from PIL import Image
from rich.segment import Segment
from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button

import tuiphone.ui
from tests.ui.helpers import until
from tuiphone.model.contact import ContactPhoto, ContactSummary
from tuiphone.ui.avatar import UPPER_HALF
from tuiphone.ui.avatar_loader import AvatarLoader
from tuiphone.ui.messages import DialRequested
from tuiphone.ui.widgets.quick_key import QuickKey
from tuiphone.ui.widgets.quickdial import ECHO_URI, Favourite, QuickDial

RGB = tuple[int, int, int]
RED, BLUE, GREEN = (220, 30, 40), (30, 60, 220), (20, 200, 90)
BOB, ALICE, CAROL = "sip:bob@example.com", "sip:alice@example.com", "sip:carol@example.com"


def png(top: RGB, bottom: RGB) -> bytes:
    """6×6 pixels: three rows ``top`` over three rows ``bottom``, one tile exactly."""
    image = Image.new("RGB", (6, 6), bottom)
    image.paste(top, (0, 0, 6, 3))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


class Book:
    """Stands in for the engine: ``lookup`` as PhoneApi.lookup_contact, ``fetch`` as
    contact_photo. ``photos`` maps a uri to its PNG; a uri in ``people`` has a contact."""

    def __init__(self) -> None:
        self.people = {BOB: "Bob Builder", ALICE: "Alice Liddell"}
        self.photos = {BOB: png(RED, BLUE)}
        self.failing: set[str] = set()
        self.asked: list[str] = []

    async def lookup(self, uri: str) -> ContactSummary | None:
        self.asked.append(uri)
        if uri in self.failing:
            raise RuntimeError("engine went away")
        if uri not in self.people:
            return None
        return ContactSummary(id=f"id-{uri}", name=self.people[uri], sips=(uri,), book="home",
                              has_photo=uri in self.photos)

    async def fetch(self, contact_id: str) -> ContactPhoto | None:
        data = self.photos.get(contact_id.removeprefix("id-"))
        return ContactPhoto.image("image/png", data) if data else None


class QuickDialApp(App[None]):
    CSS_PATH = str(Path(tuiphone.ui.__file__).parent / "app.tcss")

    def __init__(self, favourites: Iterable[Favourite]) -> None:
        super().__init__()
        self.favourites = list(favourites)
        self.dialled: list[str] = []

    def compose(self) -> ComposeResult:
        yield QuickDial(self.favourites)

    @on(DialRequested)
    def _dialled(self, message: DialRequested) -> None:
        self.dialled.append(message.target)


def keys() -> list[Favourite]:
    return [Favourite("Bob", BOB), Favourite("Alice", ALICE, watch=True),
            Favourite("Carol", CAROL), Favourite("echo test", ECHO_URI)]


def quickdial(app: App[None]) -> QuickDial:
    return app.query_one(QuickDial)


def key(app: App[None], index: int) -> QuickKey:
    button = app.query_one(f"#fav-{index}", Button)
    assert isinstance(button.parent, QuickKey)
    return button.parent


def pixels(app: App[None], index: int) -> list[list[tuple[RGB, RGB]]]:
    """The (upper, lower) colours of each ▀ of key ``index``'s tile, as drawn."""
    tile = key(app, index).tile.query_one(".avatar-cells")
    rows = []
    for y in range(tile.size.height):
        cells: list[Segment] = [s for s in tile.render_line(y) if s.text]
        assert "".join(s.text for s in cells) == UPPER_HALF * tile.size.width
        rows.append([_pair(s) for s in cells for _ in s.text])
    return rows


def _pair(segment: Segment) -> tuple[RGB, RGB]:
    style = segment.style
    assert style is not None
    assert style.color is not None
    assert style.bgcolor is not None
    top, bottom = style.color.get_truecolor(), style.bgcolor.get_truecolor()
    return (top.red, top.green, top.blue), (bottom.red, bottom.green, bottom.blue)


def has_tile(app: App[None], index: int) -> bool:
    quick_key = key(app, index)
    return quick_key.has_class("-avatar") and quick_key.tile.display


def plain_key(app: App[None], index: int) -> bool:
    """Drawn as before avatars: no tile, the button over the whole key."""
    quick_key = key(app, index)
    return (not quick_key.tile.display and quick_key.button.region == quick_key.region
            and quick_key.button.region.height == 3)


async def load(pilot: Pilot[None], book: Book, loader: AvatarLoader) -> None:
    await quickdial(pilot.app).load_avatars(book.lookup, loader)
    await pilot.pause()


async def test_key_with_photo_shows_the_photo_at_its_left() -> None:
    book, app = Book(), QuickDialApp(keys())
    loader = AvatarLoader(book.fetch, "halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await load(pilot, book, loader)
        await until(pilot, lambda: has_tile(app, 0) and key(app, 0).tile.size.width == 6)
        bob = key(app, 0)
        assert bob.tile.region.x == bob.region.x
        assert bob.tile.region.size == (6, 3)
        assert bob.button.region.x == bob.tile.region.right
        assert bob.button.region.right == bob.region.right
        assert "Bob" in str(bob.button.label)
        assert pixels(app, 0) == [[(RED, RED)] * 6, [(RED, BLUE)] * 6, [(BLUE, BLUE)] * 6]
        assert all(plain_key(app, i) for i in (1, 2, 3))  # no photo, no contact, echo
        assert ECHO_URI not in book.asked


async def test_reload_after_the_book_changed_moves_and_removes_tiles() -> None:
    book, app = Book(), QuickDialApp(keys())
    loader = AvatarLoader(book.fetch, "halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await load(pilot, book, loader)
        await until(pilot, lambda: has_tile(app, 0))
        book.photos = {ALICE: png(GREEN, GREEN)}
        loader.clear()
        await load(pilot, book, loader)
        await until(pilot, lambda: plain_key(app, 0) and has_tile(app, 1))
        assert pixels(app, 1) == [[(GREEN, GREEN)] * 6] * 3
        book.photos = {ALICE: png(RED, RED)}
        loader.clear()
        await load(pilot, book, loader)
        await until(pilot, lambda: pixels(app, 1) == [[(RED, RED)] * 6] * 3)
        del book.people[ALICE]
        loader.clear()
        await load(pilot, book, loader)
        await until(pilot, lambda: all(plain_key(app, i) for i in range(4)))


async def test_a_failing_lookup_leaves_the_pane_working() -> None:
    book, app = Book(), QuickDialApp(keys())
    book.photos[ALICE] = png(GREEN, GREEN)
    loader = AvatarLoader(book.fetch, "halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        book.failing = {BOB}
        await load(pilot, book, loader)
        await until(pilot, lambda: has_tile(app, 1))
        assert plain_key(app, 0)
        book.failing = set()
        await load(pilot, book, loader)
        await until(pilot, lambda: has_tile(app, 0))
        book.failing = {BOB, ALICE}  # an engine hiccup keeps the tiles that were there
        loader.clear()
        await load(pilot, book, loader)
        assert has_tile(app, 0)
        assert has_tile(app, 1)
        app.query_one("#fav-0", Button).focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.dialled == [BOB])


async def test_avatars_stay_with_moved_removed_and_added_keys() -> None:
    book, app = Book(), QuickDialApp(keys())
    book.photos[CAROL] = png(GREEN, GREEN)
    book.people[CAROL] = "Carol"
    loader = AvatarLoader(book.fetch, "halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await load(pilot, book, loader)
        await until(pilot, lambda: has_tile(app, 0) and has_tile(app, 2))
        app.query_one("#fav-0", Button).focus()
        await until(pilot, lambda: quickdial(app).current == 0)
        await pilot.press("shift+down")  # Bob and Alice swap
        await until(pilot, lambda: has_tile(app, 1) and plain_key(app, 0))
        assert "Bob" in str(key(app, 1).button.label)
        await pilot.press("delete")  # Bob (focus moved with him) goes: Carol is key 1
        await until(pilot, lambda: len(app.query(QuickKey)) == 3)
        assert "Carol" in str(key(app, 1).button.label)
        assert pixels(app, 1) == [[(GREEN, GREEN)] * 6] * 3
        assert plain_key(app, 0)
        assert plain_key(app, 2)
        quickdial(app).add_favourite(Favourite("Bob again", BOB))
        await until(pilot, lambda: bool(app.query("#fav-3")) and has_tile(app, 3))
        assert pixels(app, 3)[0] == [(RED, RED)] * 6


async def test_clicking_the_photo_dials_the_key() -> None:
    book, app = Book(), QuickDialApp(keys())
    loader = AvatarLoader(book.fetch, "halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await load(pilot, book, loader)
        await until(pilot, lambda: has_tile(app, 0))
        await pilot.click(key(app, 0).tile)
        await until(pilot, lambda: app.dialled == [BOB])
        assert app.focused is key(app, 0).button


def test_snapshot_keys_with_and_without_photos(snap_compare) -> None:  # type: ignore[no-untyped-def]
    book = Book()
    book.photos[ALICE] = png(GREEN, BLUE)

    async def run_before(pilot: Pilot[None]) -> None:
        await load(pilot, book, AvatarLoader(book.fetch, "halfcell"))
        await until(pilot, lambda: has_tile(pilot.app, 0) and has_tile(pilot.app, 1))
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(QuickDialApp(keys()), terminal_size=(60, 8), run_before=run_before)
