"""A widget that shows an avatar tile, whatever the terminal draws it with.

Half-blocks, initials and kitty (TGP) tiles are Rich renderables and go into a
``Static``. Sixel cannot pass through Textual's compositor as a renderable (it is
not made of printable cells), so a ``SixelTile`` is shown by textual-image's own
Sixel widget, which injects the picture after the frame is drawn.
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Static

from tuiphone.ui.avatar_loader import SixelTile

Tile = RenderableType | SixelTile


class AvatarView(Container):
    """``show(tile)``; ``tile`` is what is on show (None: hidden)."""

    DEFAULT_CSS = """
    AvatarView { width: auto; height: auto; }
    AvatarView > .avatar-cells { width: auto; height: auto; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tile: Tile | None = None
        self._static = Static(classes="avatar-cells")
        self._sixel: Widget | None = None
        self.display = False  # nothing on show yet

    def compose(self) -> ComposeResult:
        yield self._static

    def show(self, tile: Tile | None) -> None:
        if tile is self.tile:
            return
        self.tile = tile
        self.display = tile is not None
        if self._sixel is not None:
            self._sixel.remove()
            self._sixel = None
        if isinstance(tile, SixelTile):
            from textual_image.widget import SixelImage

            self._static.display = False
            self._sixel = SixelImage(tile.image)
            self._sixel.styles.width, self._sixel.styles.height = tile.cells
            self.mount(self._sixel)
        else:
            self._static.display = True
            self._static.update(tile if tile is not None else "")
