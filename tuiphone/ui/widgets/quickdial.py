"""QuickDial: a grid of favourites with a lamp each; Enter or a click dials.

Lamps come from two places: the engine (``set_lamp``, BLF/presence and the echo line,
matched on ``Lamp.uri`` == the entry's configured uri) and, for entries the engine does
not light, our own calls (``set_lamps``). Key actions work on the focused key. Keys whose
contact has a photo show it (``load_avatars``); avatars follow the uri, not the position.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.events import DescendantFocus
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button

from tuiphone.model.lamp import Lamp, LampDirection, LampState, lamp_badge
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.format import party, thread_key
from tuiphone.ui.messages import AddToQuickDial, ChatRequested, DialRequested
from tuiphone.ui.screens.prompt import PromptScreen
from tuiphone.ui.widgets.avatar_view import Tile
from tuiphone.ui.widgets.quick_key import ContactLookup, QuickKey, avatar_for

if TYPE_CHECKING:
    from tuiphone.ui.avatar_loader import AvatarLoader

ECHO_URI = "echo"  # the built-in echo key (tuiphone.ui.app.favourites_of)


@dataclass(frozen=True, slots=True)
class Favourite:
    """One button. ``watch`` is False for entries whose lamp only reflects our own calls."""

    label: str
    uri: str
    watch: bool = False


def lamp_detail(lamp: Lamp) -> str:
    """Who the lamp is about: the caller/callee while ringing, the other party when busy."""
    who = party(lamp.remote) if lamp.remote else ""
    if lamp.state is LampState.RINGING:
        arrow = {LampDirection.RECIPIENT: "← ", LampDirection.INITIATOR: "→ "}.get(
            lamp.direction, "")
        return f"{arrow}{who}".strip()
    if lamp.state in (LampState.BUSY, LampState.HOLD):
        return who
    if lamp.state is LampState.FAILED:
        return f"{lamp.code} {lamp.reason}".strip() if lamp.code else "failed"
    return ""


class QuickDial(Grid):
    """``call_lamps`` are thread keys (user@host) -> LampState from our own calls;
    ``engine_lamps`` the engine's lamps by configured uri. Both are bound by the screen."""

    BINDINGS = bindings_for("quickdial")
    call_lamps: reactive[dict[str, LampState]] = reactive(dict)
    engine_lamps: reactive[dict[str, Lamp]] = reactive(dict)

    @dataclass
    class PickupRequested(Message):
        target: str  # the entry's uri, as configured

    @dataclass
    class TransferRequested(Message):
        target: str
        attended: bool = False

    class Edited(Message):
        """Keys were removed or moved in the pane; ``favourites`` has the new order."""

    def __init__(self, favourites: Sequence[Favourite], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.favourites = list(favourites)
        self.lamps: dict[int, Lamp] = {
            i: Lamp(f.uri, LampState.UNKNOWN if f.watch else LampState.IDLE)
            for i, f in enumerate(favourites)
        }
        self.engine_uris: set[str] = set()  # entries whose lamp the engine drives
        self.current = 0  # the key actions apply to (the last focused)
        self.keys: list[QuickKey] = []  # in the order of ``favourites``
        self.avatars: dict[str, Tile] = {}  # by entry uri: follows moved keys
        self._avatar_source: tuple[ContactLookup, AvatarLoader] | None = None
        self._avatar_round = 0  # bumped per load_avatars: a superseded load must not paint

    def compose(self) -> ComposeResult:
        for index in range(len(self.favourites)):
            yield self._key(index)

    def _key(self, index: int) -> QuickKey:
        key = QuickKey(index, self._label(index))
        key.show_avatar(self.avatars.get(self.favourites[index].uri))
        self.keys.append(key)
        return key

    def on_mount(self) -> None:
        self._paint()

    def watch_call_lamps(self, by_key: dict[str, LampState]) -> None:
        self.set_lamps(by_key)

    def watch_engine_lamps(self, old: dict[str, Lamp], new: dict[str, Lamp]) -> None:
        """Only the lamps that changed, and one paint: 240 keys repaint in one go."""
        changed = [lamp for uri, lamp in new.items() if old.get(uri) != lamp]
        for lamp in changed:
            self._take_lamp(lamp)
        if changed:
            self._paint()

    def set_lamps(self, by_key: Mapping[str, LampState], *, local_only: bool = True) -> None:
        """Lamps from our own calls (``local_only``) leave BLF-watched and engine-lit
        entries alone."""
        for index, fav in enumerate(self.favourites):
            if fav.uri in self.engine_uris or (local_only and fav.watch):
                continue
            state = by_key.get(thread_key(fav.uri), LampState.IDLE)
            self.lamps[index] = Lamp(fav.uri, state)
        self._paint()

    def set_lamp(self, lamp: Lamp) -> None:
        """One lamp from the engine; entries with the same configured uri show it."""
        self._take_lamp(lamp)
        self._paint()

    def _take_lamp(self, lamp: Lamp) -> None:
        self.engine_uris.add(lamp.uri)
        for index, fav in enumerate(self.favourites):
            if fav.uri == lamp.uri:
                self.lamps[index] = lamp

    def add_favourite(self, fav: Favourite) -> None:
        index = len(self.favourites)
        self.favourites.append(fav)
        self.lamps[index] = Lamp(fav.uri, LampState.UNKNOWN if fav.watch else LampState.IDLE)
        if fav.uri in self.engine_lamps:
            self._take_lamp(self.engine_lamps[fav.uri])
        self.mount(self._key(index))
        self.set_lamps(self.call_lamps)  # a key for a call that is up lights at once
        if self._avatar_source is not None and fav.uri != ECHO_URI:
            self.run_worker(self._load_one(fav.uri, *self._avatar_source))

    def lamp_of(self, label: str) -> LampState:
        index = next(i for i, f in enumerate(self.favourites) if f.label == label)
        return self.lamps[index].state

    def _label(self, index: int) -> str:
        lamp = self.lamps[index]
        text = f"{lamp_badge(lamp.state)}  {self.favourites[index].label}"
        detail = lamp_detail(lamp)
        return f"{text}  {detail}" if detail else text

    def _paint(self) -> None:
        for index, key in enumerate(self.keys):
            key.button.label = self._label(index)
            for state in LampState:
                key.button.set_class(self.lamps[index].state is state, f"-{state.value}")
            key.show_avatar(self.avatars.get(self.favourites[index].uri))

    async def load_avatars(self, lookup: ContactLookup, loader: AvatarLoader) -> None:
        """Look up every key's contact (but the echo key's) and show its photo, or no
        tile. Call again when the address books changed, after ``loader.clear()``; keys
        added later are looked up with the same ``lookup`` and ``loader``. Never raises
        for a lookup error: that key keeps the tile it had."""
        self._avatar_source = (lookup, loader)
        self._avatar_round += 1
        this_round = self._avatar_round
        uris = list(dict.fromkeys(f.uri for f in self.favourites if f.uri != ECHO_URI))
        tiles = await asyncio.gather(*(self._avatar(uri, lookup, loader) for uri in uris))
        if this_round != self._avatar_round:
            return  # the books changed again meanwhile: the newer load paints
        current = {f.uri for f in self.favourites}
        merged = {**self.avatars, **dict(zip(uris, tiles, strict=True))}
        self.avatars = {u: t for u, t in merged.items() if t is not None and u in current}
        self._paint()

    async def _load_one(self, uri: str, lookup: ContactLookup, loader: AvatarLoader) -> None:
        this_round = self._avatar_round
        tile = await self._avatar(uri, lookup, loader)
        if this_round != self._avatar_round or uri not in {f.uri for f in self.favourites}:
            return
        if tile is None:
            self.avatars.pop(uri, None)
        else:
            self.avatars[uri] = tile
        self._paint()

    async def _avatar(
        self, uri: str, lookup: ContactLookup, loader: AvatarLoader
    ) -> Tile | None:
        try:
            return await avatar_for(uri, lookup, loader)
        except Exception as err:  # noqa: BLE001 - a missing photo must not break the pane
            self.log.warning(f"QuickDial avatar for {uri}: {err!r}")
            return self.avatars.get(uri)

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        if event.widget.id and event.widget.id.startswith("fav-"):
            self.current = int(event.widget.id.removeprefix("fav-"))

    @on(Button.Pressed, ".favourite")
    def _dial(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "fav-0").removeprefix("fav-"))
        self.post_message(DialRequested(self.favourites[index].uri))

    def focused_key(self) -> Favourite | None:
        if not self.favourites:
            self.notify("No QuickDial keys", severity="warning")
            return None
        return self.favourites[min(self.current, len(self.favourites) - 1)]

    def action_call(self) -> None:
        if fav := self.focused_key():
            self.post_message(DialRequested(fav.uri))

    def action_pickup(self) -> None:
        if fav := self.focused_key():
            self.post_message(self.PickupRequested(fav.uri))

    def action_transfer(self) -> None:
        if fav := self.focused_key():
            self.post_message(self.TransferRequested(fav.uri))

    def action_attended(self) -> None:
        if fav := self.focused_key():
            self.post_message(self.TransferRequested(fav.uri, attended=True))

    def action_message(self) -> None:
        if fav := self.focused_key():
            self.post_message(ChatRequested(fav.uri))

    def action_copy(self) -> None:
        if fav := self.focused_key():
            self.app.copy_to_clipboard(fav.uri)  # OSC 52: works over ssh too
            self.notify(f"Copied {fav.uri}", timeout=2)

    def action_add_key(self) -> None:
        def added(answer: str | None) -> None:
            if not answer:
                return
            uri, _, label = answer.partition(" ")
            self.post_message(AddToQuickDial(label.strip() or party(uri), uri))

        self.app.push_screen(
            PromptScreen("New QuickDial key: URI, then an optional label",
                         "sip:bob@example.com Bob"), added)

    def action_remove_key(self) -> None:
        fav = self.focused_key()
        if fav is None:
            return
        if fav.uri == ECHO_URI:
            self.notify("The built-in echo key can't be removed "
                        "(turn it off with [engine] echo_line = false)", severity="warning")
            return
        index = min(self.current, len(self.favourites) - 1)
        lamps = [self.lamps[i] for i in range(len(self.favourites))]
        del self.favourites[index], lamps[index]
        self.lamps = dict(enumerate(lamps))
        self.keys.pop().remove()
        self._paint()
        if self.favourites:
            self._focus_key(min(index, len(self.favourites) - 1))
        self.post_message(self.Edited())
        self.notify(f"Removed {fav.label} from QuickDial", timeout=3)

    def action_move_key(self, step: int) -> None:
        if self.focused_key() is None:
            return
        index = min(self.current, len(self.favourites) - 1)
        other = index + step
        if not 0 <= other < len(self.favourites):
            return
        favs = self.favourites
        favs[index], favs[other] = favs[other], favs[index]
        self.lamps[index], self.lamps[other] = self.lamps[other], self.lamps[index]
        self._paint()
        self._focus_key(other)
        self.post_message(self.Edited())

    def _focus_key(self, index: int) -> None:
        self.current = index
        self.keys[index].button.focus()
