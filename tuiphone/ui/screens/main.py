"""The main screen: lays out the panes and keeps the engine's snapshots for them.

What the engine says lands in reactives here (state, calls, history, trace, lamps, Smart
Contacts verdicts, chat names); each pane binds to the ones it shows (``data_bind``),
so a pane rebuilt by a resize shows them at once. What keys and panes ask for is done
by ``CallActions`` and ``ContactActions``, which reach the engine through one
``PhoneLink``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.events import DescendantFocus, Resize
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, TabbedContent, TabPane

from tuiphone.config.schema import QuickDialEntry
from tuiphone.engine.api import PhoneApi, PhoneState
from tuiphone.model.call import CallInfo, CallState, CallStats, HistoryEntry
from tuiphone.model.contact import ContactSummary
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import (
    CallChanged,
    CallStatsChanged,
    ContactsChanged,
    DtmfReceived,
    Event,
    FileTransferChanged,
    IncomingCall,
    LampChanged,
    MediaProblem,
    MessageReceived,
    MessageStatus,
    NetworkChanged,
    Notice,
    RegistrationChanged,
    SipTrace,
    SmartContactChanged,
    TransferStatus,
    TypingChanged,
)
from tuiphone.model.lamp import Lamp, LampState
from tuiphone.model.trace import TraceEntry
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.audio_actions import AudioActions
from tuiphone.ui.avatar_loader import AvatarLoader
from tuiphone.ui.call_actions import CallActions
from tuiphone.ui.chat_actions import ChatActions
from tuiphone.ui.chat_model import ChatBook
from tuiphone.ui.contact_actions import ContactActions
from tuiphone.ui.format import (
    location_words,
    network_words,
    party,
    problem_words,
    state_words,
)
from tuiphone.ui.lamps import lamps_from_calls
from tuiphone.ui.messages import (
    AddToQuickDial,
    ChatRequested,
    DialRequested,
    LampUpdate,
    PhoneEvent,
    TraceTick,
)
from tuiphone.ui.notice_gate import Toasts
from tuiphone.ui.phone_link import PhoneLink
from tuiphone.ui.quality import Quality
from tuiphone.ui.quickdial_keys import QuickDialKeys
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.screens.layout import PANES, is_wide
from tuiphone.ui.widgets.calls import CallsPane
from tuiphone.ui.widgets.chat import ChatPane
from tuiphone.ui.widgets.contacts import ContactsPane
from tuiphone.ui.widgets.dialpad import Dialpad
from tuiphone.ui.widgets.footer import FitFooter
from tuiphone.ui.widgets.ladder import LadderPane
from tuiphone.ui.widgets.pane_tabs import PaneTabs
from tuiphone.ui.widgets.quickdial import Favourite, QuickDial
from tuiphone.ui.widgets.statusbar import StatusBar


def _pane_of(node: Widget | None) -> str:
    """The id of the pane holding ``node`` ("dialpad" when none does)."""
    while node is not None and not node.has_class("pane"):
        node = node.parent  # type: ignore[assignment]
    return node.id if node is not None and node.id else "dialpad"


_SEVERITY: dict[str, SeverityLevel] = {"error": "error", "warning": "warning"}


LOCATION_POLL_S = 30.0
STATE_REFRESH_S = 0.05  # at most 20 state refreshes a second, however many events


class MainScreen(Screen[None]):
    """Gets its phone through ``attach`` once the engine is up (after the first paint)."""

    BINDINGS = bindings_for("screen")

    # the engine's snapshots; panes bind to them (``var``: no repaint of the screen itself)
    engine: var[str] = var("starting")  # 'starting', 'local', 'attached' or 'failed: ...'
    phone_state: var[PhoneState | None] = var(None, always_update=True)
    calls: var[tuple[CallInfo, ...]] = var((), always_update=True)
    in_call: var[bool] = var(False)
    unread: var[int] = var(0)
    location: var[str] = var("")  # the emergency location profile, for the status bar
    history: var[tuple[HistoryEntry, ...]] = var(())
    trace: var[tuple[TraceEntry, ...]] = var(())
    engine_lamps: var[dict[str, Lamp]] = var(dict)  # by configured uri
    call_lamps: var[dict[str, LampState]] = var(dict)  # from our own calls, by thread key
    on_net: var[dict[str, bool]] = var(dict)  # Smart Contacts: contact id -> on our provider
    thread_names: var[dict[str, str]] = var(dict)  # chat thread key -> contact name

    def __init__(self, favourites: Sequence[Favourite], has_books: bool = False,
                 clock: Callable[[], float] = time.time, layout: str = "auto",
                 voicemail_uri: str | None = None, *,
                 quickdial: Sequence[QuickDialEntry] = (),
                 state_path: Path | None = None, avatars: str = "auto",
                 confirm_emergency: bool = False, ask_record: bool = False) -> None:
        super().__init__()
        self.link = PhoneLink(self)
        self.avatars = AvatarLoader(None, avatars)
        self.call_actions = CallActions(self.link, self, lambda: self.query_one(CallsPane).selected,
                                        voicemail_uri, confirm_emergency)
        self.audio_actions = AudioActions(
            self.link, self, lambda: self.call_actions.selected(CallState.CONNECTED), ask_record)
        self.contact_actions = ContactActions(self.link, self, self.avatars,
                                              lambda: self.query_one(ContactsPane),
                                              lambda: self.query_one(QuickDial))
        self.chat_actions = ChatActions(self.link, self, lambda: self.query_one(ChatPane))
        self.quickdial_keys = QuickDialKeys(self, favourites, quickdial, state_path)
        self.has_books = has_books
        self._named_threads: set[str] = set()
        self.clock = clock
        self._consent_open = False
        self._toasts = Toasts(lambda text, severity: self.notify(text, severity=severity),
                              self.set_timer)  # a flood of notices: a few, then a summary
        self.layout_pref = layout
        self.book = ChatBook()
        self.chat_thread: str | None = None
        self.wide = False
        self._modals: dict[str, IncomingCallScreen] = {}
        self.quality = Quality()  # each connected call's figures over time
        self._trace_due = False
        self._state_timer: Timer | None = None
        self._state_at = 0.0
        self._wanted_pane = "dialpad"
        self._go_count = 0  # each go() bumps it; a focus retry of an older go() gives up
        self._focus_target: str | None = None  # the widget the last go() focuses
        self._focus_pending = False  # a go() whose focus has not landed yet

    @property
    def phone(self) -> PhoneApi | None:
        return self.link.phone

    @property
    def favourites(self) -> list[Favourite]:
        return self.quickdial_keys.favourites

    @property
    def voicemail_uri(self) -> str | None:
        return self.call_actions.voicemail_uri

    def compose(self) -> ComposeResult:
        self.wide = is_wide(self.app.size, self.layout_pref)
        self.set_class(self.wide, "-wide")
        panes = {pid: self._pane(pid) for pid, _ in PANES}
        if self.wide:
            with Grid(id="panes"):
                for pid, title in PANES:
                    panes[pid].border_title = title
                    yield panes[pid]
        else:
            with PaneTabs(id="tabs"):
                for pid, title in PANES:
                    with TabPane(title, id=f"tab-{pid}"):
                        yield panes[pid]
        yield StatusBar(id="status").data_bind(
            MainScreen.engine, MainScreen.phone_state, MainScreen.unread, MainScreen.location)
        yield FitFooter()

    def _pane(self, pid: str) -> Widget:
        match pid:
            case "dialpad":
                return Dialpad(id=pid, classes="pane").data_bind(MainScreen.in_call)
            case "calls":
                return CallsPane(clock=self.clock, id=pid, classes="pane").data_bind(
                    MainScreen.calls, MainScreen.history)
            case "chat":
                return ChatPane(self.book, self.chat_thread, clock=self.clock, id=pid,
                                classes="pane").data_bind(
                    names=MainScreen.thread_names)
            case "quickdial":
                return QuickDial(self.favourites, id=pid, classes="pane").data_bind(
                    MainScreen.call_lamps, MainScreen.engine_lamps)
            case "contacts":
                return ContactsPane(self.has_books, id=pid, classes="pane").data_bind(
                    MainScreen.on_net)
            case _:
                return LadderPane(id=pid, classes="pane").data_bind(MainScreen.trace)

    def on_mount(self) -> None:
        self.query_one("#dial-input", Input).focus()
        # a hand-picked profile (location set from a shell) sends no event
        self.set_interval(LOCATION_POLL_S, self._load_location)

    async def on_resize(self, event: Resize) -> None:
        """Wide grid <-> tabs: new panes, which bind to the snapshots kept here."""
        if is_wide(event.size, self.layout_pref) != self.wide:
            self.chat_thread = self.query_one(ChatPane).current
            await self.recompose()
            self.query_one("#dial-input", Input).focus()
            if self.phone is not None:
                self.query_one(ContactsPane).refresh_search()
                self.contact_actions.load_quickdial_avatars()  # tiles from the cache

    # engine link

    def attach(self, phone: PhoneApi, attached: bool) -> None:
        self.link.attach(phone)
        self.engine = "attached" if attached else "local"
        self._pump(phone)
        self._load(phone)
        self._load_lamps(phone)
        self._load_location()
        self.refresh_state()
        self.avatars.fetch = getattr(phone, "contact_photo", None)
        self.query_one(ContactsPane).refresh_search()  # everyone, or what was typed
        self.contact_actions.load_quickdial_avatars()
        self._ask_consent()

    @work(group="consent", exclusive=True)
    async def _ask_consent(self) -> None:
        """Data features a provider turned on wait for the user: ask in a dialog."""
        from tuiphone.provision import pending

        config = getattr(self.app, "config", None)
        path = str(config.source) if config is not None and config.source else None
        try:
            rows = await asyncio.to_thread(pending.status, path)
        except Exception:  # noqa: BLE001 - a broken layer is reported by config check
            return
        waiting = [row for row in rows if row.pending]
        if not waiting or self._consent_open:
            return
        self._consent_open = True
        changes = [p.what for row in waiting for p in row.pending]
        source = ", ".join(sorted({str(row.source) for row in waiting}))
        from tuiphone.ui.screens.consent import ConsentScreen  # only when a layer asks

        choice = await self.app.push_screen_wait(ConsentScreen(source, changes))
        self._consent_open = False
        if choice in ("accept", "reject"):
            try:
                await asyncio.to_thread(pending.decide, path, None, choice == "accept")
            except Exception as err:  # noqa: BLE001 - shown, never a crash
                self._toasts.show(f"Provisioning: {err}", "error")
                return
            words = ("accepted; it takes effect when tuiphone starts next"
                     if choice == "accept" else "rejected; those features stay off")
            self._toasts.show(f"Provisioning: {words}", "information")

    @work(group="events", exclusive=True)
    async def _pump(self, phone: PhoneApi) -> None:
        """Forward every engine event to this screen as a message, in order; a lamp's
        updates coalesce (only the newest pending one is shown), and so does the news
        that SIP went by (a flood of it must not queue ahead of the user's keys)."""
        async for event in phone.events():
            if isinstance(event, LampChanged):
                self.post_message(LampUpdate(event.lamp))
            elif isinstance(event, SipTrace):
                self.post_message(TraceTick())
            else:
                self.post_message(PhoneEvent(event))

    @work(group="lamps")
    async def _load_lamps(self, phone: PhoneApi) -> None:
        """The lamps and Smart Contacts verdicts so far; events bring the rest. A lamp
        an event already updated keeps the event's (newer) state."""
        try:
            lamps = await phone.lamps()
            verdicts = await phone.smart_contacts()
        except Exception as err:  # an older engine without lamps: our own calls light keys
            self.log.warning(f"lamps unavailable: {err}")
            return
        self.engine_lamps = {**{lamp.uri: lamp for lamp in lamps}, **self.engine_lamps}
        self.on_net = {**verdicts, **self.on_net}

    @work(group="location", exclusive=True)
    async def _load_location(self) -> None:
        """The profile an emergency call would carry now (the network may have changed)."""
        if self.phone is None:
            return
        try:
            choice = await self.phone.location()
        except Exception as err:  # an older engine without location: nothing to show
            self.log.warning(f"location unavailable: {err}")
            return
        self.location = location_words(choice)

    @on(LampUpdate)
    def _lamp(self, message: LampUpdate) -> None:
        self.engine_lamps = {**self.engine_lamps, message.lamp.uri: message.lamp}

    @work(group="load")
    async def _load(self, phone: PhoneApi) -> None:
        self.history = tuple(await phone.history())
        try:
            self.book.load_threads(await phone.chat_threads())
        except Exception as err:  # an older engine without threads: its newest messages
            self.log.warning(f"chat threads unavailable: {err}")
            self.book.load(await phone.messages(limit=200))
        self.query_one(ChatPane).refresh_threads()
        self.unread = self.book.total_unread()
        self.refresh_trace()
        self._name_threads()

    @work(group="regroup")
    async def _regroup(self) -> None:
        """The engine's thread list again, so a contact's threads merge."""
        if self.phone is None:
            return
        try:
            self.book.load_threads(await self.phone.chat_threads(), counts=False)
        except Exception as err:  # an older engine without threads: nothing merges
            self.log.warning(f"chat threads unavailable: {err}")
            return
        self.query_one(ChatPane).refresh_threads()
        self._named_threads.clear()  # merged keys, or contacts that changed: name again
        self._name_threads()

    @work(group="names")
    async def _name_threads(self) -> None:
        """Contact names for chat threads, each peer looked up once."""
        if self.phone is None:
            return
        for key, thread in list(self.book.threads.items()):
            if key in self._named_threads:
                continue
            self._named_threads.add(key)
            found = await self._lookup(thread.uri)
            if found is not None and found.name:
                self.thread_names = {**self.thread_names, key: found.name}

    async def _lookup(self, uri: str) -> ContactSummary | None:
        """The engine's contact for ``uri``; None on any failure (caller ID is a nicety)."""
        if self.phone is None:
            return None
        try:
            return await self.phone.lookup_contact(uri)
        except Exception:
            return None

    def refresh_state(self) -> None:
        """Take the engine's state snapshot; bound panes show what changed."""
        if self.phone is None:
            return
        state = self.phone.state()
        self.phone_state = state
        self.calls = state.calls
        self.unread = self.book.total_unread()
        self.in_call = any(c.state is CallState.CONNECTED for c in state.calls)
        self.call_lamps = lamps_from_calls(state.calls, state.echo_uri)

    # events

    @on(PhoneEvent)
    def _event(self, message: PhoneEvent) -> None:
        self.dispatch_event(message.event)
        self._state_soon()

    @on(TraceTick)
    def _trace_tick(self, message: TraceTick) -> None:
        self._trace_soon()

    def _state_soon(self) -> None:
        """Refresh from the engine's state now, or once at the end of this
        ``STATE_REFRESH_S`` window: re-rendering the panes for each event of a flood
        (an INVITE flood is thousands) would starve the keyboard."""
        if self._state_timer is not None:
            return
        wait = self._state_at + STATE_REFRESH_S - time.monotonic()
        if wait <= 0:
            self._state_now()
        else:
            self._state_timer = self.set_timer(wait, self._state_now)

    def _state_now(self) -> None:
        self._state_timer = None
        self._state_at = time.monotonic()
        self.refresh_state()

    def dispatch_event(self, event: Event) -> None:
        match event:
            case IncomingCall(call=call):
                self._ring(call)
            case CallChanged(call=call) if call.state is CallState.ENDED:
                self._ended(call)
            case TypingChanged(peer=peer, active=active):
                self.query_one(ChatPane).show_typing(peer, active)
            case FileTransferChanged(transfer=transfer):
                self.query_one(ChatPane).progress(transfer)
            case MessageReceived(message=msg) | MessageStatus(message=msg):
                fresh = self.book.key_of(msg.peer) not in self.book.threads
                self.query_one(ChatPane).add(msg)
                if fresh:  # a new URI: it may be another of a contact's (one thread)
                    self._regroup()
                if self.book.key_of(msg.peer) not in self._named_threads:
                    self._name_threads()
            case ContactsChanged():
                self.contact_actions.changed()
                self._regroup()  # a contact's URIs may now share one chat thread
            case SmartContactChanged(contact_id=contact_id, on_net=on_net):
                self.on_net = {**self.on_net, contact_id: on_net}
            case DtmfReceived(call_id=call_id, digit=digit):
                # the engine also publishes digits of the echo line's hidden leg
                if any(c.id == call_id for c in self.link.calls()):
                    self.query_one(Dialpad).show_received(digit)
            case TransferStatus(final=True, code=code, reason=reason):
                self._toasts.show(f"Transfer: {code} {reason}", "information")
            case CallStatsChanged(call_id=call_id, stats=stats):
                self._stats(call_id, stats)
            case SipTrace():
                self._trace_soon()
            case Notice(level=level, text=text):
                self._toasts.show(text, _SEVERITY.get(level, "information"))
                if text.startswith("provisioning ") and "consent" in text:
                    self._ask_consent()
            case NetworkChanged(route=route) if route.reason != "start":
                self._toasts.show(network_words(route), "warning")
                self._load_location()
            case RegistrationChanged():  # the registrar's view of our address may differ
                self._load_location()
            case MediaProblem() as problem:
                self.notify(problem_words(problem), title="One-way audio", severity="error",
                            timeout=15)
            case _:
                pass

    def _ring(self, call: CallInfo) -> None:
        name = party(call.remote_uri, call.remote_name)
        alerter = getattr(self.app, "alerter", None)
        if alerter is not None:
            alerter.incoming(name)
        waiting = any(c.state is CallState.CONNECTED for c in self.link.calls())
        modal = IncomingCallScreen(call, name, waiting)
        self._modals[call.id] = modal
        self.app.push_screen(modal, lambda choice: self._chosen(call.id, choice))
        self._name_caller(modal)

    @work(group="callerid")
    async def _name_caller(self, modal: IncomingCallScreen) -> None:
        """Ring at once; put the address book's name on the modal when it answers."""
        found = await self._lookup(modal.call.remote_uri)
        if found is not None and found.name:
            modal.set_caller(found.name)

    def _chosen(self, call_id: str, choice: str | None) -> None:
        self._modals.pop(call_id, None)
        if choice == "answer":
            self.call_actions.answer_call(call_id)
            self.audio_actions.answered(call_id)
        elif choice == "reject":
            self.call_actions.reject(call_id)
        elif choice == "voicemail":
            self.call_actions.to_voicemail(call_id)

    def _stats(self, call_id: str, stats: CallStats) -> None:
        """The engine's figures, once a second per connected call: the calls table, and
        the detail view when it shows this call."""
        track = self.quality.add(call_id, stats)
        pane = self.query_one(CallsPane)
        pane.set_stats({**pane.stats, call_id: stats})
        screen = self.app.screen
        from tuiphone.ui.screens.call_detail import CallDetailScreen  # loaded with a call

        if isinstance(screen, CallDetailScreen) and screen.call.id == call_id:
            screen.show(track)

    def action_details(self) -> None:
        call = self.call_actions.selected(CallState.CONNECTED)
        if call is not None:
            from tuiphone.ui.screens.call_detail import CallDetailScreen

            self.app.push_screen(CallDetailScreen(
                call, party(call.remote_uri, call.remote_name), self.quality.tracks.get(call.id)))

    def _ended(self, call: CallInfo) -> None:
        self.quality.drop(call.id)
        modal = self._modals.pop(call.id, None)
        if modal is not None and modal.is_current:
            modal.dismiss("ended")
        self.query_one(CallsPane).show_ended(call)
        self.notify(f"{party(call.remote_uri, call.remote_name)}: {state_words(call)}")
        self._reload_history()

    @work(group="history", exclusive=True)
    async def _reload_history(self) -> None:
        if self.phone is not None:
            self.history = tuple(await self.phone.history())

    def _trace_soon(self) -> None:
        if not self._trace_due:
            self._trace_due = True
            self.set_timer(0.5, self.refresh_trace)

    @work(group="trace", exclusive=True)
    async def refresh_trace(self) -> None:
        self._trace_due = False
        if self.phone is not None:
            self.trace = tuple(await self.phone.trace())

    @work(group="stats", exclusive=True)
    async def _poll_stats(self) -> None:
        pane = self.query_one(CallsPane)
        live = [c for c in pane.calls if c.state is CallState.CONNECTED]
        if self.phone is None or not live:
            return
        stats = {}
        for call in live:
            try:
                stats[call.id] = await self.phone.call_stats(call.id)
            except Exception:  # a call that just ended has no stats; skip this round
                continue
        pane.set_stats(stats)

    # keys: the call actions

    def action_answer(self) -> None:
        ringing = self.call_actions.incoming()
        self.call_actions.answer()
        if ringing is not None:
            self.audio_actions.answered(ringing.id)

    def action_record(self) -> None:
        self.audio_actions.toggle_record()

    def action_devices(self) -> None:
        self.audio_actions.pick_device()

    def action_hangup(self) -> None:
        self.call_actions.hangup()

    def action_hold(self) -> None:
        self.call_actions.hold()

    def action_mute(self) -> None:
        self.call_actions.mute()

    def action_transfer(self) -> None:
        self.call_actions.transfer()

    def action_attended(self) -> None:
        self.call_actions.attended_to(None)

    def action_conference(self) -> None:
        self.call_actions.conference()

    def action_leave_conference(self) -> None:
        self.call_actions.leave_conference()

    def action_split_conference(self) -> None:
        self.call_actions.split_conference()

    def action_voicemail(self) -> None:
        self.call_actions.voicemail()

    def action_call_voicemail(self) -> None:
        self.call_actions.call_voicemail()

    def action_dnd(self) -> None:
        self.call_actions.toggle_dnd()

    # intents from panes

    @on(Dialpad.PreviewWanted)
    def _preview(self, message: Dialpad.PreviewWanted) -> None:
        self._dial_preview(message.text)

    @work(exclusive=True, group="dial-preview")
    async def _dial_preview(self, text: str) -> None:
        """Show what the dialling rules make of the typed text (nothing if unchanged)."""
        if self.phone is None:
            return
        try:
            uri = await self.phone.dial_preview(text)
        except TuiphoneError:  # half-typed text is not worth an error
            return
        dialpad = self.query_one(Dialpad)
        if dialpad.query_one("#dial-input", Input).value == text:
            dialpad.rewritten = rewritten_number(text, uri)

    @on(DialRequested)
    def _dial(self, message: DialRequested) -> None:
        self.call_actions.dial(message.target)
        self.go("calls", focus=False)

    @on(Dialpad.DtmfRequested)
    def _dtmf(self, message: Dialpad.DtmfRequested) -> None:
        self.call_actions.dtmf(message.digits)

    @on(QuickDial.PickupRequested)
    def _pickup(self, message: QuickDial.PickupRequested) -> None:
        self.call_actions.pickup(message.target)
        self.go("calls", focus=False)

    @on(QuickDial.TransferRequested)
    def _transfer_to_key(self, message: QuickDial.TransferRequested) -> None:
        if message.attended:
            self.call_actions.attended_to(message.target)
        else:
            self.call_actions.transfer_to(message.target)

    @on(AddToQuickDial)
    def _add_quickdial(self, message: AddToQuickDial) -> None:
        self.quickdial_keys.add(self.query_one(QuickDial), message.label, message.uri)

    @on(QuickDial.Edited)
    def _quickdial_edited(self) -> None:
        self.quickdial_keys.edited(self.query_one(QuickDial))

    @on(ContactsPane.SearchRequested)
    def _search_contacts(self, message: ContactsPane.SearchRequested) -> None:
        self.contact_actions.search(message.text)

    @on(ContactsPane.DetailRequested)
    def _detail_requested(self, message: ContactsPane.DetailRequested) -> None:
        self.contact_actions.detail(message.contact)

    @on(ContactsPane.EditRequested)
    def _edit_requested(self, message: ContactsPane.EditRequested) -> None:
        self.contact_actions.edit(message.contact_id)

    @on(ContactsPane.DeleteRequested)
    def _delete_requested(self, message: ContactsPane.DeleteRequested) -> None:
        self.contact_actions.delete(message.contact_id, message.name)

    @on(ContactsPane.SyncRequested)
    def _sync_requested(self) -> None:
        self.contact_actions.sync()

    @on(ChatRequested)
    def _open_chat(self, message: ChatRequested) -> None:
        self.open_chat(message.peer)

    def open_chat(self, peer: str) -> None:
        self.query_one(ChatPane).open_thread(peer)
        # through go()'s focus, which waits for a just-shown tab to take focus: a bare
        # focus() after one refresh was lost when the chat tab was not shown yet
        self.go("chat", target="#chat-body")

    @on(ChatPane.PageWanted)
    def _page_wanted(self, message: ChatPane.PageWanted) -> None:
        self.chat_actions.page(message)

    @on(ChatPane.ReadWanted)
    def _read_wanted(self, message: ChatPane.ReadWanted) -> None:
        self.chat_actions.mark_read(message.uri)

    @on(ChatPane.ResendRequested)
    def _resend(self, message: ChatPane.ResendRequested) -> None:
        self.chat_actions.resend(message.message_id)

    @on(ChatPane.SearchRequested)
    def _search_chat(self, message: ChatPane.SearchRequested) -> None:
        self.chat_actions.search(message.thread_uri)

    @on(ChatPane.UnreadChanged)
    def _unread_changed(self, message: ChatPane.UnreadChanged) -> None:
        self.unread = message.total

    @on(ChatPane.SendRequested)
    def _send(self, message: ChatPane.SendRequested) -> None:
        self._send_message(message.peer, message.body)

    @on(ChatPane.Typed)
    def _typed(self, message: ChatPane.Typed) -> None:
        self._tell_typing(message.peer)

    @work(group="phone")
    async def _tell_typing(self, peer: str) -> None:
        if self.phone is None:
            return
        with contextlib.suppress(TuiphoneError):  # an address half typed: typing is a nicety
            await self.phone.typing(peer)  # does nothing unless features.typing is on
    @on(ChatPane.AttachRequested)
    def _attach_requested(self, message: ChatPane.AttachRequested) -> None:
        self.chat_actions.send_file(message.peer, message.path)

    @work(group="phone")
    async def _send_message(self, peer: str, body: str) -> None:
        if self.phone is None:
            self.notify("The engine is still starting", severity="warning")
            return
        try:
            sent = await self.phone.send_message(peer, body)
        except TuiphoneError as err:
            self.notify(f"Send to {peer}: {err}", severity="error")
            return
        chat = self.query_one(ChatPane)
        if self.book.key_of(sent.peer) != chat.current and chat.current:
            self.book.drop_if_empty(chat.current)  # 'echo' became sip:echo@host
            chat.open_thread(sent.peer)
        chat.add(sent)

    @on(LadderPane.RefreshRequested)
    def _ladder(self) -> None:
        self.refresh_trace()

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        self.query_one(ChatPane).mark_visible(event.pane.id == "tab-chat")
        self.refresh_state()

    # navigation

    def current_pane(self) -> str:
        return _pane_of(self.focused)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Focus moved: by our own go() (done once it reaches the wanted pane; focus
        from an earlier go() arriving late is ignored) or by the user (Tab, a click)."""
        if not event.widget.has_focus:
            return  # stale: focus moved on while this event bubbled up
        pane = _pane_of(event.widget)
        if not self._focus_pending:
            self._wanted_pane = pane
        elif pane == self._wanted_pane:
            self._focus_pending = False

    def go(self, pane: str, focus: bool = True, target: str | None = None) -> None:
        """Show ``pane`` and (``focus``) move focus into it: to ``target`` (a selector
        inside it) if given, else to the pane's preferred or first focusable widget."""
        self._wanted_pane = pane
        self._go_count += 1
        self._focus_target = target
        if not self.wide:
            self.query_one(TabbedContent).active = f"tab-{pane}"
        if focus:
            self._focus_pending = True
            self.call_after_refresh(self._focus_in, pane, self._go_count)

    def _focus_in(self, pane: str, count: int, tries: int = 10) -> None:
        if count != self._go_count:
            return  # a later go() won, even one back to this same pane
        if not self.wide:
            # a late focus event from the previous tab may have switched tabs back
            self.query_one(TabbedContent).active = f"tab-{pane}"
        target = self.query_one(f"#{pane}")
        chain = [w for w in self.focus_chain if target in w.ancestors_with_self]
        preferred = (self.query_one(self._focus_target) if self._focus_target
                     else self._preferred_focus(pane))
        if self._focus_target:  # that widget or none: it may join the chain a bit later
            choice = preferred if preferred in chain else None
        else:
            choice = preferred if chain and preferred in chain else chain[0] if chain else None
        if choice is not None:
            if choice.has_focus:
                self._focus_pending = False  # no focus event will come
            choice.focus()
        elif tries:  # a just-shown tab joins the focus chain after its next layout
            self.call_after_refresh(self._focus_in, pane, count, tries - 1)
        else:
            self._focus_pending = False

    def _preferred_focus(self, pane: str) -> Widget | None:
        """With no chat threads yet, the chat key lands in "to:", where typing helps."""
        if pane == "chat" and self.query_one("#threads", OptionList).option_count == 0:
            return self.query_one("#chat-to", Input)
        return None

    def action_go(self, pane: str) -> None:
        self.go(pane)

    def action_next_pane(self, step: int = 1) -> None:
        ids = [pid for pid, _ in PANES]
        # keys pressed faster than focus moves count from the pane on its way
        self.go(ids[(ids.index(self._wanted_pane) + step) % len(ids)])

    def action_previous_pane(self) -> None:
        self.action_next_pane(-1)


def rewritten_number(typed: str, uri: str) -> str:
    """The user part of ``uri`` when the dialling rules changed the typed number, else ""."""
    user = uri.split(":", 1)[-1].split("@", 1)[0]
    typed_target = typed.split(",", 1)[0].strip()
    plain = "".join(c for c in typed_target if c not in " \t().-")
    return "" if user in (typed_target, plain) or "@" in typed or ":" in typed else user
