"""The QuickDial keys: as configured, as the user added, removed and moved them, saved.

Keys the user changes are written to ``state.toml`` (``config.appstate``) in a worker of
the host screen; a failed save leaves the key for this session and says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from textual.widget import Widget

from tuiphone.config.schema import QuickDialEntry
from tuiphone.ui.phone_link import in_worker
from tuiphone.ui.widgets.quickdial import ECHO_URI, Favourite, QuickDial


class QuickDialKeys:
    """``favourites`` is what the pane shows; ``entries`` what is saved (no echo key)."""

    def __init__(self, host: Widget, favourites: Sequence[Favourite],
                 entries: Sequence[QuickDialEntry] = (), state_path: Path | None = None) -> None:
        self.host = host
        self.favourites = list(favourites)
        self.entries = list(entries)
        self.state_path = state_path  # the app's state file (None: the default one)

    def add(self, pane: QuickDial, label: str, uri: str) -> None:
        if any(f.uri == uri for f in self.favourites):
            self.host.notify(f"{label} is already on QuickDial")
            return
        fav = Favourite(label, uri)
        self.favourites.append(fav)
        pane.add_favourite(fav)
        self.entries.append(QuickDialEntry(label, uri))
        self._save(f"Added {label} to QuickDial")

    def edited(self, pane: QuickDial) -> None:
        """Keys removed or moved in ``pane``: save its order (the echo key is not saved)."""
        self.favourites = list(pane.favourites)
        saved = {(e.label, e.uri): e for e in self.entries}
        self.entries = [saved.get((f.label, f.uri), QuickDialEntry(f.label, f.uri))
                        for f in self.favourites if f.uri != ECHO_URI]
        self._save(None)

    def _save(self, done: str | None) -> None:
        in_worker(self.host, partial(self._write, list(self.entries), done),
                  group="appstate")

    async def _write(self, entries: list[QuickDialEntry], done: str | None) -> None:
        from tuiphone.config.appstate import save_quickdial

        try:
            await asyncio.to_thread(save_quickdial, entries, self.state_path)
        except Exception as err:  # the key stays for this session
            self.host.notify(f"QuickDial not saved: {err}", severity="error")
        else:
            if done:
                self.host.notify(done, timeout=3)
