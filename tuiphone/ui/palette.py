"""Command palette: every action of the table, plus dial/message and command-mode lines."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tuiphone.ui.actions import ACTIONS, ActionSpec, keys_of

if TYPE_CHECKING:
    from tuiphone.ui.app import TuiphoneApp


class PhoneCommands(Provider):
    """Actions run in their scope: app, the main screen, or the pane that owns them."""

    @property
    def tapp(self) -> TuiphoneApp:
        return cast("TuiphoneApp", self.app)

    def _specs(self) -> list[ActionSpec]:
        pane = self.tapp.main.current_pane() if self.tapp.main.is_mounted else ""
        return [s for s in ACTIONS if s.scope in ("app", "screen", pane)]

    def _title(self, spec: ActionSpec) -> str:
        return f"{spec.description} ({keys_of(spec, self.tapp.keymap)})"

    async def _run(self, spec: ActionSpec) -> None:
        main = self.tapp.main
        target = {"app": self.tapp, "screen": main}.get(spec.scope) or main.query_one(
            f"#{spec.scope}")
        await self.tapp.run_action(spec.action, default_namespace=target)

    async def discover(self) -> Hits:
        for spec in self._specs():
            yield DiscoveryHit(self._title(spec), partial(self._run, spec), help=spec.id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec in self._specs():
            score = matcher.match(f"{spec.description} {spec.id}")
            if score > 0:
                yield Hit(score, matcher.highlight(self._title(spec)), partial(self._run, spec),
                          help=spec.id)
        text = query.strip()
        if text:
            yield Hit(0.5, f"Dial {text}", partial(self.tapp.main.call_actions.dial, text))
            yield Hit(0.4, f"Message {text}", partial(self.tapp.main.open_chat, text))
            yield Hit(0.3, f"Run command: {text}", partial(self._command, text))

    async def _command(self, line: str) -> None:
        """One command-mode line on the phone; its output or error is shown as a
        notification. The command table is imported here: not before the first paint."""
        from tuiphone.commands.runner import run_command_line

        phone = self.tapp.phone
        if phone is None:
            self.tapp.notify("The engine is still starting", severity="warning")
            return
        try:
            output = await run_command_line(phone, line)
        except Exception as err:  # command errors are shown, never fatal to the UI
            self.tapp.notify(f"{line}: {err}", severity="error")
        else:
            self.tapp.notify(output or "done", title=line)
