"""Tabs for narrow terminals that follow focus only while focus is really there.

TabbedContent switches to a pane when a widget in it gains focus, through a message
handled later. When keys move between panes faster than that message (ctrl+n then
ctrl+g), the late message switched back to the pane the user had already left.
"""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane


class PaneTabs(TabbedContent):
    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        """Runs before TabbedContent's own handler (Textual walks the MRO); a stale
        event is kept from reaching it."""
        focused = self.app.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self:
            event.prevent_default()
            event.stop()
