"""Small widgets: AvatarView (cells or the Sixel widget) and the address chooser."""

from __future__ import annotations

from PIL import Image
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.ui.helpers import until
from tuiphone.ui.avatar import Placeholder
from tuiphone.ui.avatar_loader import SixelTile
from tuiphone.ui.widgets.avatar_view import AvatarView


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AvatarView(id="view")


async def test_sixel_tiles_use_the_sixel_widget_and_go_away_again() -> None:
    from textual_image.widget import SixelImage

    app = ViewApp()
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(AvatarView)
        view.show(SixelTile(Image.new("RGB", (48, 48), (0, 120, 200)), (6, 3)))
        await until(pilot, lambda: bool(view.query(SixelImage)))
        picture = view.query_one(SixelImage)
        await until(pilot, lambda: picture.size == (6, 3))
        assert not view.query_one(".avatar-cells", Static).display
        view.show(Placeholder("Anna Arbor", (6, 3)))
        await until(pilot, lambda: not view.query(SixelImage))
        cells = view.query_one(".avatar-cells", Static)
        assert cells.display
        await until(pilot, lambda: "AA" in "".join(
            s.text for y in range(3) for s in cells.render_line(y)))
        view.show(None)
        assert not view.display


class ChooseApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[str | None] = []

    def ask(self) -> None:
        from tuiphone.ui.screens.prompt import ChooseScreen

        self.push_screen(ChooseScreen("Call Anna at:", [("sip:a@x", "SIP a"), ("030 1", "cell")]),
                         self.answers.append)


async def test_the_chooser_takes_digits_enter_and_escape() -> None:
    app = ChooseApp()
    async with app.run_test(size=(60, 20)) as pilot:
        app.ask()
        await pilot.press("2")
        await until(pilot, lambda: app.answers == ["030 1"])
        app.ask()
        await pilot.press("escape")
        await until(pilot, lambda: app.answers == ["030 1", None])
        app.ask()
        await pilot.press("9")  # no ninth choice: ignored
        await pilot.press("enter")  # the highlighted (first) one
        await until(pilot, lambda: app.answers == ["030 1", None, "sip:a@x"])
