"""TuiphoneApp: themes, keymap, the main screen, and the engine started after first paint."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.events import DescendantFocus
from textual.widgets import Input, TextArea

from tuiphone.config.schema import AppConfig, UiConfig
from tuiphone.engine.api import PhoneApi
from tuiphone.ui.actions import bindings_for, unknown_ids
from tuiphone.ui.alerts import Alerter
from tuiphone.ui.keynames import bad_keys
from tuiphone.ui.palette import PhoneCommands
from tuiphone.ui.screens.main import MainScreen
from tuiphone.ui.themes import (
    BUILTIN_DIR,
    DEFAULT_THEME,
    MONO_THEME,
    load_themes,
    user_theme_dir,
    wants_mono,
)
from tuiphone.ui.usage_notes import UsageNotes
from tuiphone.ui.widgets.quickdial import Favourite

log = logging.getLogger("tuiphone.ui")

PhoneFactory = Callable[[], Awaitable[PhoneApi]]


def favourites_of(config: AppConfig | None) -> list[Favourite]:
    """Config ``[[quickdial]]`` entries, then the built-in echo line."""
    entries = config.quickdial if config is not None else ()
    favs = [Favourite(e.label, e.uri, watch=e.blf or e.presence) for e in entries]
    if config is None or config.engine.echo_line:
        favs.append(Favourite("echo test", "echo"))
    return favs


class TuiphoneApp(App[int]):
    """``phone_factory`` builds (or attaches to) the engine; it is awaited in a worker after
    the first paint. A ``remote`` phone is attached: quitting closes the connection and leaves
    its calls up; a local phone is stopped on quit.
    """

    CSS_PATH = "app.tcss"
    TITLE = "tuiphone"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {PhoneCommands}

    def __init__(self, phone_factory: PhoneFactory, config: AppConfig | None = None, *,
                 clock: Callable[[], float] = time.time,
                 voicemail_uri: str | None = None, theme_dirs: tuple[Path, ...] | None = None,
                 dial: str = ""):
        super().__init__()
        self.dial = dial  # put in the dialpad at start (``tuiphone open sip:...``)
        self.phone_factory = phone_factory
        self.config = config
        self.ui = config.ui if config is not None else UiConfig()
        self.keymap = dict(self.ui.keymap)
        self.phone: PhoneApi | None = None
        self.theme_dirs = theme_dirs if theme_dirs is not None else (BUILTIN_DIR, user_theme_dir())
        self.own_themes: list[str] = []
        self._theme_problems = self._install_themes()
        if voicemail_uri is None and config is not None and config.accounts:
            voicemail_uri = config.accounts[0].voicemail  # the default account's box
        books = config is not None and bool(config.contacts.vdirs or config.contacts.carddav)
        self.alerter = Alerter(self.ui.alert, self._write_terminal, self.bell,
                               self._start_command, os.environ)
        self.main = MainScreen(favourites_of(config), books, clock, self.ui.layout,
                               voicemail_uri, quickdial=config.quickdial if config else (),
                               avatars=self.ui.avatars,
                               confirm_emergency=self.ui.confirm_emergency,
                               ask_record=config is not None
                               and config.audio.record_calls == "ask")
        self.usage = UsageNotes(self, self.main)
        self.crashed = False

    def _write_terminal(self, text: str) -> None:
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    def _start_command(self, argv: list[str]) -> None:
        """Run ``argv`` (never through a shell) without waiting; its failure is logged."""
        self.run_worker(_run_quietly(argv), group="alerts", exit_on_error=False)

    def on_mount(self) -> None:
        for problem in self._theme_problems:
            self.notify(problem, title="Theme", severity="warning", timeout=8)
        self.set_keymap(self.keymap)
        bad = unknown_ids(self.keymap)
        if bad:
            self.notify(f"[keymap] names no action: {', '.join(bad)}", severity="warning")
        not_keys = bad_keys(self.keymap)
        if not_keys:
            self.notify(f"[keymap] no such key, the binding never fires: "
                        f"{'; '.join(not_keys)}", severity="warning")
        self.usage.start()
        self.push_screen(self.main)
        if self.dial:
            self.call_after_refresh(self._prefill_dial)
        self.call_after_refresh(self.start_engine)

    @on(DescendantFocus)
    def _steady_cursor(self, event: DescendantFocus) -> None:
        """``[ui] cursor_blink = false``: a text field that takes the focus keeps a steady
        cursor (its blink timer stays paused: nothing is repainted while idle)."""
        if not self.ui.cursor_blink and isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

    def _prefill_dial(self) -> None:
        dial_input = self.main.query_one("#dial-input", Input)
        dial_input.value = self.dial
        dial_input.focus()

    def _install_themes(self) -> list[str]:
        """Register every theme file and pick the configured one, before the first paint
        (so the stylesheet is built once). Returns problems to show once mounted."""
        themes, problems = load_themes(*self.theme_dirs)
        for theme in themes:
            self.register_theme(theme)
        self.own_themes = [t.name for t in themes]
        notes = [f"{p} (skipped)" for p in problems]
        wanted = MONO_THEME if wants_mono(self.no_color) else self.ui.theme
        if not self.use_theme(wanted):
            notes.append(f"No theme {wanted!r}; using {self.theme}")
        return notes

    def use_theme(self, name: str) -> bool:
        """Switch theme; an unknown name falls back to the default and returns False."""
        if name in self.available_themes:
            self.theme = name
            return True
        self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        return False

    @work(exclusive=True, group="engine")
    async def start_engine(self) -> None:
        try:
            phone = await self.phone_factory()
        except Exception as err:  # any failure to start must leave a usable, honest UI
            self.main.engine = f"failed: {err}"
            self.notify(f"Engine did not start: {err}", severity="error", timeout=15)
            return
        self.phone = phone
        self.main.attach(phone, phone.remote)
        self.usage.attach(phone)

    def _handle_exception(self, error: Exception) -> None:
        self.crashed = True  # counted by ``run`` once the app is gone
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual's own, but without local variables: they may hold a password."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        await self.release_phone()
        self.exit(0)

    async def release_phone(self) -> None:
        """Detach from a remote engine (its calls stay up) or stop our own. A factory with
        a ``release`` coroutine knows what it built and does it instead."""
        phone, self.phone = self.phone, None
        release = getattr(self.phone_factory, "release", None)
        if release is not None:
            await release()
            return
        if phone is None:
            return
        closer = getattr(phone, "close" if phone.remote else "stop", None)
        if closer is not None:
            await closer()

    def action_help(self) -> None:
        from tuiphone.ui.screens.help import HelpScreen  # when opened

        pane = self.main.current_pane() if self.screen is self.main else "incoming"
        extra = {"contacts": ["contact-list"], "chat": ["conversation"]}.get(pane, [])
        self.push_screen(HelpScreen(["app", "screen", pane, *extra], self.keymap))

    def action_next_theme(self) -> None:
        names = self.own_themes or [DEFAULT_THEME]
        index = names.index(self.theme) + 1 if self.theme in names else 0
        self.use_theme(names[index % len(names)])
        self.notify(f"Theme: {self.theme}", timeout=2)


async def _run_quietly(argv: list[str]) -> None:
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        await proc.wait()
    except OSError as err:
        log.warning("alert command %s failed: %s", argv[0], err)
