"""The footer, fitted to its width: when the keys do not all fit, the screen's keys (the
call keys, the same in every pane and all in F1 help) go first, from the last one on,
then the focused pane's own; the app's (Quit, Help) and the palette key always stay. A
"…" says that some were left out. Textual's own footer would cut the last key mid-word
under the palette key ("Qui").

Textual rebuilds a footer each time the screen's bindings may have changed (every focus
move, several times while the app starts); this one rebuilds only when what it would show
differs: the same keys at the same width are the same footer."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

MORE = "…"
# the palette key's width is its text and padding like any key's (its left border takes
# the place of a leading blank); one cell more keeps the last key's blank off the border
SLACK = 1


class FitFooter(Footer):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._fitted_width = -1
        self._shown: tuple[object, ...] | None = None  # what the last compose was built from

    def _what_to_show(self) -> tuple[object, ...]:
        """All that ``compose`` reads: the width, and each shown binding with its owner's kind."""
        if not self._bindings_ready or not self.is_attached:
            return ()
        return (self.size.width, self.compact, tuple(
            (isinstance(node, Screen), isinstance(node, App), binding.key,
             self.app.get_key_display(binding), binding.description, binding.action,
             binding.group, enabled, tooltip)
            for node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show))

    async def recompose(self) -> None:
        if self._shown is None or self._what_to_show() != self._shown:
            await super().recompose()

    def compose(self) -> ComposeResult:
        self._shown = self._what_to_show() or None
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey)
                and not w.has_class("-command-palette") and not w.has_class("-grouped")]
        dropped = self._to_drop(keys, widgets)
        yield from (w for w in widgets if w not in dropped)
        if dropped:  # the palette key is docked right: this lands after the last key
            yield FooterLabel(MORE, id="footer-more")
        self._fitted_width = self.size.width

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)

    def _to_drop(self, keys: list[FooterKey], widgets: list[Widget]) -> set[Widget]:
        """The keys to leave out so that the rest (and a "…") fit."""
        room = self.size.width
        if room <= 0:
            return set()
        palette = [w for w in widgets
                   if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        need = sum(self._width(k) for k in [*keys, *palette]) + SLACK
        order = self._drop_order(keys)
        dropped: list[FooterKey] = []
        for key in order:
            if need + (cell_len(MORE) + 1 if dropped else 0) <= room:
                break
            dropped.append(key)
            need -= self._width(key)
        for key in reversed(dropped[:-1]):  # a short key of more worth may fit again
            if need + self._width(key) + cell_len(MORE) + 1 > room:
                break
            dropped.remove(key)
            need += self._width(key)
        return set(dropped)

    def _drop_order(self, keys: Iterable[FooterKey]) -> list[FooterKey]:
        """The screen's keys from the last, then the focused widgets' from the last;
        never the app's."""
        owners = {binding.action: node for node, binding, _e, _t
                  in self.screen.active_bindings.values()}
        screen = [k for k in keys if isinstance(owners.get(k.action), Screen)]
        own = [k for k in keys if not isinstance(owners.get(k.action), Screen | App)]
        return [*reversed(screen), *reversed(own)]

    def _width(self, key: FooterKey) -> int:
        """Cells a key takes: ' f2 ' and 'Answer ' (Textual's padding), one of margin
        when compact."""
        text = cell_len(key.key_display) + (cell_len(key.description) + 1
                                            if key.description else 0)
        return text + (1 if self.compact else 2)
