"""The main screen: lays out the panes, owns the phone, turns events into pane updates."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.events import DescendantFocus, Resize
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, TabbedContent, TabPane

from tuiphone.config.schema import QuickDialEntry
from tuiphone.engine.api import PhoneApi
from tuiphone.model.call import CallInfo, CallState, HistoryEntry
from tuiphone.model.contact import ContactSummary
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import (
    CallChanged,
    ContactsChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    LampChanged,
    MediaProblem,
    MessageReceived,
    MessageStatus,
    NetworkChanged,
    Notice,
    SipTrace,
    SmartContactChanged,
    TransferStatus,
)
from tuiphone.model.lamp import Lamp
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.avatar_loader import AvatarLoader
from tuiphone.ui.chat_model import ChatBook
from tuiphone.ui.format import network_words, party, problem_words, state_words, thread_key
from tuiphone.ui.lamps import lamps_from_calls
from tuiphone.ui.messages import (
    AddToQuickDial,
    ChatRequested,
    DialRequested,
    LampUpdate,
    PhoneEvent,
)
from tuiphone.ui.screens.contact_work import ContactWork
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.screens.layout import PANES, is_wide
from tuiphone.ui.widgets.calls import CallsPane
from tuiphone.ui.widgets.chat import ChatPane
from tuiphone.ui.widgets.contacts import ContactsPane
from tuiphone.ui.widgets.dialpad import Dialpad
from tuiphone.ui.widgets.history import HistoryView
from tuiphone.ui.widgets.ladder import LadderPane
from tuiphone.ui.widgets.pane_tabs import PaneTabs
from tuiphone.ui.widgets.quickdial import ECHO_URI, Favourite, QuickDial
from tuiphone.ui.widgets.statusbar import StatusBar


def _pane_of(node: Widget | None) -> str:
    """The id of the pane holding ``node`` ("dialpad" when none does)."""
    while node is not None and not node.has_class("pane"):
        node = node.parent  # type: ignore[assignment]
    return node.id if node is not None and node.id else "dialpad"


_SEVERITY: dict[str, SeverityLevel] = {"error": "error", "warning": "warning"}


class MainScreen(ContactWork):
    """Gets its phone through ``attach`` once the engine is up (after the first paint)."""

    BINDINGS = bindings_for("screen")

    def __init__(self, favourites: Sequence[Favourite], has_books: bool = False,
                 clock: Callable[[], float] = time.time, layout: str = "auto",
                 voicemail_uri: str | None = None, *,
                 quickdial: Sequence[QuickDialEntry] = (),
                 state_path: Path | None = None, avatars: str = "auto") -> None:
        super().__init__()
        self.avatars = AvatarLoader(None, avatars)
        self.phone: PhoneApi | None = None
        self.favourites = list(favourites)
        self.has_books = has_books
        self.quickdial_entries = list(quickdial)  # what "add to QuickDial" saves, plus one
        self.state_path = state_path  # the app's state file (None: the default one)
        self.lamps: dict[str, Lamp] = {}  # engine lamps by configured uri
        self.on_net: dict[str, bool] = {}  # Smart Contacts: contact id -> on our provider
        self._named_threads: set[str] = set()
        self.clock = clock
        self.layout_pref = layout
        self.voicemail_uri = voicemail_uri
        self.book = ChatBook()
        self.chat_thread: str | None = None
        self.wide = False
        self._modals: dict[str, IncomingCallScreen] = {}
        self._trace_due = False
        self._history: list[HistoryEntry] = []
        self._wanted_pane = "dialpad"
        self._go_count = 0  # each go() bumps it; a focus retry of an older go() gives up
        self._focus_pending = False  # a go() whose focus has not landed yet

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
        yield StatusBar(id="status")
        yield Footer()

    def _pane(self, pid: str) -> Widget:
        match pid:
            case "dialpad":
                return Dialpad(id=pid, classes="pane")
            case "calls":
                return CallsPane(clock=self.clock, id=pid, classes="pane")
            case "chat":
                return ChatPane(self.book, self.chat_thread, id=pid, classes="pane")
            case "quickdial":
                return QuickDial(self.favourites, id=pid, classes="pane")
            case "contacts":
                return ContactsPane(self.has_books, id=pid, classes="pane")
            case _:
                return LadderPane(id=pid, classes="pane")

    def on_mount(self) -> None:
        self.query_one("#dial-input", Input).focus()
        self.set_interval(2.0, self._poll_stats)

    async def on_resize(self, event: Resize) -> None:
        if is_wide(event.size, self.layout_pref) != self.wide:
            self.chat_thread = self.query_one(ChatPane).current
            await self.recompose()
            self.on_mount()
            self.refresh_state()
            self.query_one(HistoryView).set_entries(self._history)
            for lamp in self.lamps.values():
                self.query_one(QuickDial).set_lamp(lamp)
            self.query_one(ContactsPane).set_on_net(self.on_net)
            self.query_one(ChatPane).names.update(self._thread_names)
            if self.phone is not None:
                self.refresh_trace()
                self.load_quickdial_avatars()  # a new QuickDial: tiles from the cache

    # engine link

    def attach(self, phone: PhoneApi, attached: bool) -> None:
        self.phone = phone
        self.phone_ready().set()
        self.query_one(StatusBar).engine = "attached" if attached else "local"
        self._pump(phone)
        self._load(phone)
        self._load_lamps(phone)
        self.refresh_state()
        self.avatars.fetch = getattr(phone, "contact_photo", None)
        self.query_one(ContactsPane).refresh_search()  # everyone, or what was typed
        self.load_quickdial_avatars()

    @work(group="events", exclusive=True)
    async def _pump(self, phone: PhoneApi) -> None:
        """Forward every engine event to this screen as a message, in order; a lamp's
        updates coalesce (only the newest pending one is shown)."""
        async for event in phone.events():
            if isinstance(event, LampChanged):
                self.post_message(LampUpdate(event.lamp))
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
        for lamp in lamps:
            if lamp.uri not in self.lamps:
                self._show_lamp(lamp)
        self.on_net = {**verdicts, **self.on_net}
        self.query_one(ContactsPane).set_on_net(self.on_net)

    @on(LampUpdate)
    def _lamp(self, message: LampUpdate) -> None:
        self._show_lamp(message.lamp)

    def _show_lamp(self, lamp: Lamp) -> None:
        self.lamps[lamp.uri] = lamp
        self.query_one(QuickDial).set_lamp(lamp)

    @work(group="load")
    async def _load(self, phone: PhoneApi) -> None:
        self._history = await phone.history()
        self.query_one(HistoryView).set_entries(self._history)
        messages = await phone.messages(limit=200)
        self.book.load(messages)
        self.query_one(ChatPane).on_mount()
        self.refresh_trace()
        self._name_threads()

    @property
    def _thread_names(self) -> dict[str, str]:
        return self.query_one(ChatPane).names

    @work(group="names")
    async def _name_threads(self) -> None:
        """Contact names for chat threads, each peer looked up once."""
        if self.phone is None:
            return
        chat = self.query_one(ChatPane)
        for key, thread in list(self.book.threads.items()):
            if key in self._named_threads:
                continue
            self._named_threads.add(key)
            found = await self._lookup(thread.uri)
            if found is not None and found.name:
                chat.names[key] = found.name
                chat.refresh_threads()

    async def _lookup(self, uri: str) -> ContactSummary | None:
        """The engine's contact for ``uri``; None on any failure (caller ID is a nicety)."""
        if self.phone is None:
            return None
        try:
            return await self.phone.lookup_contact(uri)
        except Exception:
            return None

    def calls(self) -> tuple[CallInfo, ...]:
        return self.phone.state().calls if self.phone is not None else ()

    def selected_call(self, *states: CallState) -> CallInfo | None:
        """The highlighted call, or the only one; notifies when there is none."""
        calls = [c for c in self.calls() if not states or c.state in states]
        chosen = self.query_one(CallsPane).selected
        call = next((c for c in calls if c.id == chosen), calls[0] if calls else None)
        if call is None:
            self.notify("No call", severity="warning")
        return call

    def refresh_state(self) -> None:
        if self.phone is None:
            return
        state = self.phone.state()
        self.query_one(CallsPane).calls = state.calls
        self.query_one(StatusBar).phone_state = state
        self.query_one(StatusBar).unread = self.book.total_unread()
        self.query_one(Dialpad).in_call = any(c.state is CallState.CONNECTED for c in state.calls)
        self.query_one(QuickDial).set_lamps(lamps_from_calls(state.calls, state.echo_uri))

    # events

    @on(PhoneEvent)
    def _event(self, message: PhoneEvent) -> None:
        self.dispatch_event(message.event)
        self.refresh_state()

    def dispatch_event(self, event: Event) -> None:
        match event:
            case IncomingCall(call=call):
                self._ring(call)
            case CallChanged(call=call) if call.state is CallState.ENDED:
                self._ended(call)
            case MessageReceived(message=msg) | MessageStatus(message=msg):
                self.query_one(ChatPane).add(msg)
                if thread_key(msg.peer) not in self._named_threads:
                    self._name_threads()
            case ContactsChanged():
                self.contacts_changed()
            case SmartContactChanged(contact_id=contact_id, on_net=on_net):
                self.on_net[contact_id] = on_net
                self.query_one(ContactsPane).set_on_net({contact_id: on_net})
            case DtmfReceived(call_id=call_id, digit=digit):
                # the engine also publishes digits of the echo line's hidden leg
                if any(c.id == call_id for c in self.calls()):
                    self.query_one(Dialpad).show_received(digit)
            case TransferStatus(final=True, code=code, reason=reason):
                self.notify(f"Transfer: {code} {reason}")
            case SipTrace():
                self._trace_soon()
            case Notice(level=level, text=text):
                self.notify(text, severity=_SEVERITY.get(level, "information"))
            case NetworkChanged(route=route) if route.reason != "start":
                self.notify(network_words(route), severity="warning")
            case MediaProblem() as problem:
                self.notify(problem_words(problem), title="One-way audio", severity="error",
                            timeout=15)
            case _:
                pass

    def _ring(self, call: CallInfo) -> None:
        name = party(call.remote_uri, call.remote_name)
        waiting = any(c.state is CallState.CONNECTED for c in self.calls())
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
            self.answer_call(call_id)
        elif choice == "reject":
            self.run_phone("Reject", lambda: self.need_phone().reject(call_id, 486))
        elif choice == "voicemail":
            self.to_voicemail(call_id)

    def _ended(self, call: CallInfo) -> None:
        modal = self._modals.pop(call.id, None)
        if modal is not None and modal.is_current:
            modal.dismiss("ended")
        self.query_one(CallsPane).show_ended(call)
        self.notify(f"{party(call.remote_uri, call.remote_name)}: {state_words(call)}")
        self._reload_history()

    @work(group="history", exclusive=True)
    async def _reload_history(self) -> None:
        if self.phone is not None:
            self._history = await self.phone.history()
            self.query_one(HistoryView).set_entries(self._history)

    def _trace_soon(self) -> None:
        if not self._trace_due:
            self._trace_due = True
            self.set_timer(0.5, self.refresh_trace)

    @work(group="trace", exclusive=True)
    async def refresh_trace(self) -> None:
        self._trace_due = False
        if self.phone is not None:
            self.query_one(LadderPane).set_trace(await self.phone.trace())

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

    # intents from panes

    @on(DialRequested)
    def _dial(self, message: DialRequested) -> None:
        self.dial(message.target)
        self.go("calls", focus=False)

    @on(Dialpad.DtmfRequested)
    def _dtmf(self, message: Dialpad.DtmfRequested) -> None:
        self.send_dtmf(message.digits)

    @on(QuickDial.PickupRequested)
    def _pickup(self, message: QuickDial.PickupRequested) -> None:
        target = message.target
        self.run_phone(f"Pick up {target}", lambda: self.need_phone().pickup(target))
        self.go("calls", focus=False)

    @on(QuickDial.TransferRequested)
    def _transfer_to_key(self, message: QuickDial.TransferRequested) -> None:
        target = message.target
        if message.attended:
            self.attended_to(target)
            return
        call = self.selected_call(CallState.CONNECTED)
        if call is not None:
            self.run_phone("Transfer", lambda: self.need_phone().transfer(target, call.id))

    @on(AddToQuickDial)
    def _add_quickdial(self, message: AddToQuickDial) -> None:
        if any(f.uri == message.uri for f in self.favourites):
            self.notify(f"{message.label} is already on QuickDial")
            return
        fav = Favourite(message.label, message.uri)
        self.favourites.append(fav)
        self.query_one(QuickDial).add_favourite(fav)
        self.quickdial_entries.append(QuickDialEntry(message.label, message.uri))
        self._save_quickdial(list(self.quickdial_entries), f"Added {message.label} to QuickDial")

    @on(QuickDial.Edited)
    def _quickdial_edited(self, message: QuickDial.Edited) -> None:
        """Keys removed or moved: save the pane's order (the echo key is not saved)."""
        self.favourites = list(self.query_one(QuickDial).favourites)
        saved = {(e.label, e.uri): e for e in self.quickdial_entries}
        self.quickdial_entries = [saved.get((f.label, f.uri), QuickDialEntry(f.label, f.uri))
                                  for f in self.favourites if f.uri != ECHO_URI]
        self._save_quickdial(list(self.quickdial_entries), None)

    @work(group="appstate", exclusive=True)
    async def _save_quickdial(self, entries: list[QuickDialEntry], done: str | None) -> None:
        from tuiphone.config.appstate import save_quickdial

        try:
            await asyncio.to_thread(save_quickdial, entries, self.state_path)
        except Exception as err:  # the key stays for this session
            self.notify(f"QuickDial not saved: {err}", severity="error")
        else:
            if done:
                self.notify(done, timeout=3)

    @on(ContactsPane.SearchRequested)
    def _search_contacts(self, message: ContactsPane.SearchRequested) -> None:
        self.search_contacts(message.text)

    @work(group="contacts-search", exclusive=True)
    async def search_contacts(self, text: str) -> None:
        pane = self.query_one(ContactsPane)
        if self.phone is None:
            pane.show_results(text, [])
            return
        try:
            results = await self.phone.search_contacts(text, 200 if not text else 50)
        except Exception as err:
            self.notify(f"Contacts: {err}", severity="error")
            return
        pane.show_results(text, results)

    @on(ChatRequested)
    def _open_chat(self, message: ChatRequested) -> None:
        self.open_chat(message.peer)

    def open_chat(self, peer: str) -> None:
        self.go("chat", focus=False)
        self.query_one(ChatPane).open_thread(peer)
        self.call_after_refresh(self.query_one("#chat-body").focus)

    @on(ChatPane.SendRequested)
    def _send(self, message: ChatPane.SendRequested) -> None:
        self._send_message(message.peer, message.body)

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
        if thread_key(sent.peer) != chat.current and chat.current:
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

    def go(self, pane: str, focus: bool = True) -> None:
        self._wanted_pane = pane
        self._go_count += 1
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
        preferred = self._preferred_focus(pane)
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
