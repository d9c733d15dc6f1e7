"""One QuickDial key: the dialling ``Button`` (id ``fav-N``, lamp classes, focus) with
an optional avatar tile at its left, hidden when the contact has no photo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Click
from textual.widgets import Button

from tuiphone.model.contact import ContactSummary
from tuiphone.ui.avatar import Placeholder
from tuiphone.ui.widgets.avatar_view import AvatarView, Tile

if TYPE_CHECKING:
    from tuiphone.ui.avatar_loader import AvatarLoader

ContactLookup = Callable[[str], Awaitable[ContactSummary | None]]  # PhoneApi.lookup_contact

TILE_CELLS = (6, 3)  # 6×6 pixels as half-blocks: square on a 1:2 cell, the key's height


class QuickKey(Horizontal):
    """The tile is not focusable; a click on it presses the key like a click on the label."""

    def __init__(self, index: int, label: str) -> None:
        super().__init__(classes="quick-key")
        self.button = Button(label, id=f"fav-{index}", classes="favourite", compact=True)
        self.tile = AvatarView(classes="avatar")
        self.avatar: Tile | None = None

    def compose(self) -> ComposeResult:
        yield self.tile
        yield self.button

    def show_avatar(self, avatar: Tile | None) -> None:
        """Show ``avatar`` (a ``TILE_CELLS`` renderable), or hide the tile for None."""
        if avatar is self.avatar:
            return
        self.avatar = avatar
        self.tile.show(avatar)
        self.set_class(avatar is not None, "-avatar")

    def on_click(self, event: Click) -> None:
        if event.widget is self.tile or (
            event.widget is not None and self.tile in event.widget.ancestors
        ):
            event.stop()
            self.button.focus()
            # From the button's own queue: a message sent by our handler would stop at us
            self.button.call_later(self.button.press)


async def avatar_for(
    uri: str, lookup: ContactLookup, loader: AvatarLoader
) -> Tile | None:
    """The photo tile of the contact owning ``uri``; None when there is no contact, no
    photo, or the photo can't be shown (initials would only repeat the label). Raises
    whatever ``lookup`` raises."""
    contact = await lookup(uri)
    if contact is None or not contact.has_photo:
        return None
    tile = await loader.tile(contact.id, contact.name, TILE_CELLS, True)
    return None if isinstance(tile, Placeholder) else tile
