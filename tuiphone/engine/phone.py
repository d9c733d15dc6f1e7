"""Phone: the asynchronous facade every front end drives (see ``engine.api.PhoneApi``).

Construct with an ``EngineSetup`` and a backend, then ``await phone.start()``::

    from tuiphone.engine.phone import Phone
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.sip import PjBackend          # or engine.fake.FakeBackend
    phone = Phone(EngineSetup(accounts=(acc,), passwords=lambda _id: "pw"), PjBackend())
    await phone.start()
    ...
    await phone.stop()

All methods run on the loop that called ``start``. Backend events are folded into
live state, persisted (history, chat) and fanned out to ``events()`` subscribers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.api import PhoneState
from tuiphone.engine.bus import EventBus
from tuiphone.engine.call_rules import CallRulesDesk
from tuiphone.engine.callerid import BookOpener, CallerId
from tuiphone.engine.calls import Calls
from tuiphone.engine.chat import Chat
from tuiphone.engine.conference import ConferenceDesk
from tuiphone.engine.contact_desk import ContactDesk
from tuiphone.engine.echo import ECHO_ID, EchoLine, echo_account
from tuiphone.engine.emergency_call import EmergencyDesk
from tuiphone.engine.journal import Journal
from tuiphone.engine.lamps import LampBoard
from tuiphone.engine.location import LocationDesk
from tuiphone.engine.media_check import CallFacts, MediaCheck
from tuiphone.engine.network import NetworkKeeper
from tuiphone.engine.outbox import Outbox
from tuiphone.engine.pickup import pickup_dial, replaces_pickup
from tuiphone.engine.presence import PresenceKeeper
from tuiphone.engine.registration import Registrar
from tuiphone.engine.retention import Retention
from tuiphone.engine.setup import EngineSetup
from tuiphone.engine.smart_contacts import SmartContacts
from tuiphone.engine.state import LiveState
from tuiphone.engine.storage import open_store
from tuiphone.engine.tracescope import TraceScope
from tuiphone.engine.usage import UsageCounters
from tuiphone.files.redact import hide_keys
from tuiphone.model.account import AccountConfig, AccountState, RegState
from tuiphone.model.audio import DEVICE_ROLES, AudioDevice, Recording
from tuiphone.model.backend import PingResult, SipBackend
from tuiphone.model.call import CallInfo, CallState, CallStats, HistoryEntry
from tuiphone.model.contact import (
    AddressBook,
    BookSync,
    ContactDetails,
    ContactFields,
    ContactPhoto,
    ContactSummary,
)
from tuiphone.model.errors import LimitExceeded, NotFound, TuiphoneError, UsageError
from tuiphone.model.events import (
    CallChanged,
    CallStatsChanged,
    Event,
    IncomingCall,
    LampChanged,
    MessageReceived,
    MessageStatus,
    Notice,
    SipTrace,
)
from tuiphone.model.files import FileTransfer
from tuiphone.model.lamp import Lamp
from tuiphone.model.location import InvitePreview, LocationChoice, LocationUse
from tuiphone.model.message import ChatThread, Message, peer_key
from tuiphone.model.rtp import RtpPacket
from tuiphone.model.trace import TraceEntry
from tuiphone.model.trust import Vouch
from tuiphone.net.netfacts import network_facts

if TYPE_CHECKING:  # file sharing loads its modules when first used
    from tuiphone.engine.file_receive import FileReceiver
    from tuiphone.engine.file_send import FileSender
    from tuiphone.store.attachments import Attachment

log = logging.getLogger("tuiphone.engine")
MAX_ACCOUNTS = 8  # PJSUA_MAX_ACC in the wheel; the 9th aborts the process
_HOSTPORT = re.compile(r"@([^;>]+)")


def _loopback(bind: str | None) -> str:
    """Where our own legs reach us: the bound interface, else loopback."""
    if bind and bind not in ("0.0.0.0", "::"):
        return f"[{bind}]" if ":" in bind else bind
    return "[::1]" if bind == "::" else "127.0.0.1"


def setup_keeps_limits(setup: EngineSetup) -> bool:
    """Whether a purge has anything to do (a stored history and a limit or an age)."""
    return setup.db_path is not None and (
        setup.history_limit is not None or setup.retention_days > 0)


class Phone:
    """The engine. Each job is a collaborator that gets only what it uses: ``accounts``
    (AccountBook), ``registrar``, ``network`` (routes), ``calls``, ``chat``,
    ``journal`` (what is kept), ``lamp_board``, ``presence``, ``smart``, ``callerid``,
    ``contact_desk``, ``media_check``. The Phone starts and stops them, routes backend
    events through them in order, and answers PhoneApi by asking the right one."""

    def __init__(self, setup: EngineSetup, backend: SipBackend) -> None:
        self.setup = setup
        self.backend = backend
        self.bus = EventBus()
        self.live = LiveState()
        self.live.trace = type(self.live.trace)(maxlen=setup.trace_size)
        self.store = open_store(setup.db_path)
        self.accounts = AccountBook()
        self.trace_scope = TraceScope(setup.accounts)
        self.journal = Journal(self.store, setup.trace_file, self.bus.publish,
                               setup.history_limit, self.trace_scope.wants)
        self.retention = Retention(self.journal, setup.history_limit, setup.retention_days)
        self.retention.drop_files = self._drop_files
        self.registrar = Registrar(backend, self.bus, self.live, setup.register_backoff_s)
        self.network = NetworkKeeper(
            backend, self._publish_network, setup.backend.nameservers, enabled=setup.routing
        )
        self.calls = Calls(backend, self.bus, self.live, self.accounts, self.network,
                           self.journal.record_history, setup.stats_interval_s)
        self.conference_desk = ConferenceDesk(backend, self.bus, self.live, self.calls.get_call)
        self.locations = LocationDesk(setup.locations, setup.location_override,
                                      setup.network_facts or network_facts, self._seen_as)
        self.emergency = EmergencyDesk(backend, self.bus, self.live, self.locations,
                                       setup.default_region, self._record_location,
                                       setup.backend.max_calls)
        self.calls.emergency = self.emergency
        outbox = Outbox(backend, self.store, self._ready_accounts, self.bus.publish,
                        self.journal.save, setup.message_retry_s, setup.message_backoff_s)
        self.chat = Chat(backend, self.store, self.accounts, outbox, self.journal.save,
                         self.bus.publish, self.spawn)
        outbox.upload = self._upload
        self.chat.make_files = self._file_receiver
        self._echo: EchoLine | None = None
        self._started = False
        self.callerid = CallerId(lambda level, text: self.bus.publish(Notice(level, text)))
        self.chat.groups.contact_of = self._contact_id
        self.chat.groups.version = lambda: getattr(self.callerid.book, "index", None)
        self._open_book: BookOpener | None = None
        self._book_paths: tuple[Path, ...] = ()
        self.contact_desk = ContactDesk(self.callerid, self.bus.publish)
        self.lamp_board = LampBoard(backend, self.bus, self.accounts, setup.quickdial,
                                    self.spawn)
        self.presence = PresenceKeeper(backend, self.live, self.accounts, self.spawn)
        self.rules = CallRulesDesk(backend, self.accounts, self.live, self.presence,
                                   self._publish_kept)
        # probes only with features.smart_contacts
        self.smart = SmartContacts(backend, self.bus, self.live, self.callerid, self.accounts)
        self.media_check = MediaCheck(
            self.calls.fresh_stats, self._call_facts, self.bus.publish, setup.media_check_s
        )
        self._background: set[asyncio.Task[None]] = set()
        self.usage = UsageCounters(self.store.bump_counter, self.journal.save,
                                   self._counts, any(_counts(a) for a in setup.accounts))

    @functools.cached_property
    def file_sender(self) -> FileSender:
        """Sends files (features.file_sharing); built on first use, as is the receiver:
        an engine that never sees a file message never loads their modules."""
        from tuiphone.engine.file_send import FileSender

        setup = self.setup
        return FileSender(self.store, self.accounts, setup.file_keys, setup.files_dir,
                          self.bus.publish, self.chat.outbox.kick)

    def _file_receiver(self) -> FileReceiver:
        from tuiphone.engine.file_receive import FileReceiver

        setup = self.setup
        return FileReceiver(self.store, self.accounts, setup.file_keys, setup.files_dir,
                            self.bus.publish, self.spawn)

    async def _upload(self, msg: Message) -> str:
        return await self.file_sender.prepare(msg)

    def _drop_files(self, files: tuple[Attachment, ...]) -> int:
        from tuiphone.engine.file_cleanup import remove_files

        return remove_files(files, folder=self.setup.files_dir, vault=self.setup.file_keys)

    def attach_contacts(
        self, open_book: BookOpener, watch: Sequence[Path] = (), sync_every: int = 0
    ) -> None:
        """Name calls from an address book. ``open_book`` builds and loads it; it runs
        in a worker thread after ``start`` (never on the loop, never delaying start).
        The book is reloaded when one of the ``watch`` folders changes; its CardDAV
        books are synced after loading and then every ``sync_every`` seconds (0: never)."""
        self._open_book = open_book
        self._book_paths = tuple(watch)
        self.contact_desk.sync_every = sync_every

    @property
    def remote(self) -> bool:
        """False: this engine runs in the caller's process (``stop`` ends it)."""
        return False

    # lifecycle

    async def start(self) -> None:
        """Start the SIP stack and add every configured account (registering those with a
        registrar, without waiting). Raises NetworkError, LimitExceeded, InvalidUri."""
        user = list(self.setup.accounts)
        limit = MAX_ACCOUNTS - (1 if self.setup.echo_line else 0)
        if len(user) > limit:
            raise LimitExceeded(f"at most {limit} accounts (pjsua2 limit {MAX_ACCOUNTS})")
        self.rules.start()
        self.usage.start(self.bus.subscribe, any(_counts(a) for a in user))
        await self.backend.start(self.setup.backend, self._on_event)
        self._started = True
        self.network.start()
        for acc in user:
            await self.add_account(acc)
        if self.setup.echo_line:
            await self._start_echo()
        self.chat.start()
        self.chat.outbox.start()
        await self.lamp_board.start()
        if setup_keeps_limits(self.setup):
            self.spawn(self.retention.run())
        if self._open_book is not None:
            self.callerid.start(self._open_book)
            self.contact_desk.watch(self._book_paths)
            self.smart.start()

    async def stop(self) -> None:
        """Hang up, unregister and destroy the stack. Idempotent."""
        if not self._started:
            return
        self._started = False
        await self.smart.close()
        await self.contact_desk.close()
        await self.callerid.close()
        await self.calls.close_calls()
        await self.media_check.close()
        self.chat.outbox.close()
        self.chat.close()
        self.journal.close()
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self.registrar.close()
        await self.network.close()
        if self._echo:
            await self._echo.close()
        self.rules.stop()
        await self.backend.stop()
        self.bus.close()
        await self.usage.close()
        self.store.close()

    async def _start_echo(self) -> None:
        self.live.hidden_accounts.add(ECHO_ID)
        self._echo = EchoLine(self.backend, self.accounts.route_local)
        contact = await self.backend.add_account(
            echo_account(_loopback(self.setup.backend.bind_address)), None
        )
        match = _HOSTPORT.search(contact)
        host = match.group(1) if match else _loopback(self.setup.backend.bind_address)
        self.accounts.echo_uri = f"sip:{ECHO_ID}@{host}"

    # accounts

    async def add_account(self, config: AccountConfig) -> AccountState:
        if config.id in self.accounts.configs or config.id == ECHO_ID:
            raise UsageError(f"account id {config.id!r} is already in use")
        if len(self.accounts.configs) + (1 if self._echo else 0) >= MAX_ACCOUNTS:
            raise LimitExceeded(f"at most {MAX_ACCOUNTS} accounts (pjsua2 limit)")
        # A password_command may take seconds: never on the loop (it is the UI's loop
        # when the TUI owns the engine). A direct account with a username answers
        # digest challenges to its INVITEs too (a trunk that authenticates calls only).
        authenticates = config.registers or config.username is not None
        password = (
            await asyncio.to_thread(self.setup.passwords, config.id) if authenticates else None
        )
        turn = config.nat.turn is not None and config.nat.ice
        turn_password = (
            await asyncio.to_thread(self.setup.passwords, f"turn:{config.id}") if turn else None
        )
        key_password = (  # the secret "tls-key:<id>" unlocks a TLS client key
            await asyncio.to_thread(self.setup.passwords, f"tls-key:{config.id}")
            if config.tls_key_file else None
        )
        self.trace_scope.add(config)
        route = await self.network.route_for(config)
        try:
            contact = await self.backend.add_account(config, password, route, turn_password,
                                                     key_password)
        except BaseException:
            self.network.forget(config.id)
            raise
        self.accounts.add(config, contact)
        self.rules.add(config)
        self.registrar.track(config)
        return self.live.accounts.get(config.id) or self.registrar.initial_state(config)

    async def remove_account(self, account_id: str) -> None:
        self.account(account_id)
        await self.backend.remove_account(account_id)
        self.registrar.forget(account_id)
        self.rules.remove(account_id)
        self.network.forget(account_id)
        self.accounts.remove(account_id)
        self.live.accounts.pop(account_id, None)

    async def replace_account(self, config: AccountConfig) -> AccountState:
        """New values for the account ``config.id`` (a re-provisioning): removed and added
        again in its place in the order, and registered if it registers. Only that
        account re-registers; its password is looked up again."""
        order = list(self.accounts.configs)
        await self.remove_account(config.id)
        state = await self.add_account(config)
        self.accounts.reorder(order)
        if config.registers:
            return await self.register(config.id)
        return state

    def account(self, account_id: str | None) -> AccountConfig:
        """The named account, or the default (first) one. Raises NotFound."""
        return self.accounts.account(account_id)

    def route_local(self, uri: str) -> str:
        return self.accounts.route_local(uri)

    @property
    def echo_uri(self) -> str | None:
        return self.accounts.echo_uri

    async def register(
        self, account_id: str | None = None, timeout_s: float | None = None
    ) -> AccountState:
        return await self.registrar.register(self.account(account_id), timeout_s)

    async def unregister(self, account_id: str | None = None) -> AccountState:
        return await self.registrar.unregister(self.account(account_id))

    # state and events

    def state(self) -> PhoneState:
        mode = self.setup.backend.media.mode
        return self.live.snapshot(mode, self.accounts.default_id, self.accounts.echo_uri)

    def events(self) -> AsyncIterator[Event]:
        return self.bus.subscribe()

    def _on_event(self, event: Event) -> None:
        """Called by the backend on the loop thread, in order."""
        if isinstance(event, SipTrace):  # file keys never reach the trace ring or file
            event = SipTrace(dataclasses.replace(event.entry,
                                                 text=hide_keys(event.entry.text)))
        if isinstance(event, LampChanged):
            self.lamp_board.on_backend(event)  # re-keyed and published there
            return
        if isinstance(event, CallStatsChanged):  # only the backend's final figures
            event = self.calls.final_stats(event)
        routed = self.chat.on_event(self.callerid.enrich(event))
        if routed is None:
            return  # a retransmitted MESSAGE, already stored and shown
        event = self.rules.annotate(routed)
        if _screened_before_end(event):
            return  # a rule answers it without ringing: only its end (history) is news
        self.live.apply(event)
        hidden = self.live.is_hidden(event)
        if self._echo:
            self._echo.on_event(event)
        self.registrar.on_event(event)
        self.network.on_event(event)
        self.calls.on_call_event(event)
        self.rules.on_event(event)
        self.emergency.on_event(event)
        if not hidden:
            self.media_check.on_event(event)
        self.lamp_board.on_event(event)
        self.presence.on_event(event)
        self.journal.on_event(event)
        if not hidden and not _is_echo_chat(event):
            self.bus.publish(event)

    async def dial_preview(self, text: str, account_id: str | None = None) -> str:
        return self.calls.dial_target(text, self.account(account_id))[0].uri

    async def codecs(self, account_id: str | None = None) -> list[str]:
        return await self.backend.codecs(self.account(account_id).id)

    async def set_dnd(self, on: bool, account_id: str | None = None) -> list[str]:
        return list(self.rules.set_dnd(on, account_id))

    def _ready_accounts(self) -> set[str]:
        """Accounts that may send a MESSAGE now: registered, or never registering."""
        return {
            account_id for account_id, state in self.live.accounts.items()
            if account_id in self.accounts.configs
            and state.reg_state in (RegState.REGISTERED, RegState.NONE)
        }

    def _call_facts(self, call_id: str) -> CallFacts:
        call = self.live.calls.get(call_id)
        config = self.accounts.configs.get(call.account_id) if call else None
        if config is None:
            return CallFacts()
        route = self.network.routes().get(config.id)
        return CallFacts(route.local_address if route else "", config.nat.ice)

    def _seen_as(self) -> tuple[str, ...]:
        """The public addresses our registrars saw us from (location matching)."""
        return tuple(dict.fromkeys(
            s.public_address for s in self.live.accounts.values() if s.public_address))

    def _record_location(self, use: LocationUse) -> None:
        self.journal.save("emergency location record", lambda: self.store.add_location_use(use))

    def _publish_kept(self, event: Event) -> None:
        """Publish news of the engine's own making, kept in the live state first."""
        self.live.apply(event)
        self.bus.publish(event)

    def _publish_network(self, event: Event) -> None:
        """Route news from the NetworkKeeper: kept in the live state, then published."""
        self.live.apply(event)
        self.bus.publish(event)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` in the background; its TuiphoneError becomes a Notice."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if task.cancelled() or task.exception() is None:
            return
        if isinstance(task.exception(), TuiphoneError):
            self.bus.publish(Notice("warning", str(task.exception())))
        else:  # nobody awaited it: an unhandled exception, a bug
            log.error("background task failed", exc_info=task.exception())
            self.usage.note("crash")

    def _counts(self, account_id: str) -> bool:
        config = self.accounts.configs.get(account_id)
        return config is not None and _counts(config)

    async def note_usage(self, fact: str) -> None:
        self.usage.note(fact)

    # calls

    async def call(
        self, uri: str, account_id: str | None = None, headers: Mapping[str, str] | None = None
    ) -> CallInfo:
        return await self.calls.call(uri, account_id, headers)

    async def answer(self, call_id: str | None = None) -> CallInfo:
        return await self.calls.answer(call_id)

    async def location(self, account_id: str | None = None) -> LocationChoice:
        return await self.locations.choose(self.accounts.account(account_id))

    async def set_location(self, name: str | None, account_id: str | None = None
                           ) -> LocationChoice:
        self.locations.set_override(name)
        return await self.location(account_id)

    async def invite_preview(self, uri: str, account_id: str | None = None,
                             headers: Mapping[str, str] | None = None) -> InvitePreview:
        acc = self.accounts.account(account_id)
        target, emergency = self.calls.dial_target(uri, acc)
        return await self.emergency.preview(emergency, acc, target.uri, headers,
                                            self.live.accounts.get(acc.id),
                                            self.setup.backend.user_agent)

    async def reject(self, call_id: str | None = None, code: int = 486) -> None:
        await self.calls.reject(call_id, code)

    async def hangup(self, call_id: str | None = None) -> None:
        await self.calls.hangup(call_id)

    async def hangup_all(self) -> int:
        return await self.calls.hangup_all()

    async def redirect(self, call_id: str | None, target: str) -> None:
        await self.calls.redirect(call_id, target)

    async def hold(self, call_id: str | None = None) -> None:
        await self.calls.hold(call_id)

    async def resume(self, call_id: str | None = None) -> None:
        await self.calls.resume(call_id)

    async def mute(self, call_id: str | None = None, muted: bool = True) -> None:
        await self.calls.mute(call_id, muted)

    async def dtmf(self, digits: str, call_id: str | None = None) -> None:
        await self.calls.dtmf(digits, call_id)

    async def transfer(self, target: str, call_id: str | None = None) -> None:
        await self.calls.transfer(target, call_id)

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None:
        await self.calls.transfer_attended(call_id, target_call_id)

    async def conference(self, call_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
        return await self.conference_desk.join(call_ids)

    async def leave_conference(self, call_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
        return await self.conference_desk.leave(call_ids)

    async def play(self, call_id: str, path: str) -> None:
        await self.calls.play(call_id, path)

    async def record(self, call_id: str | None = None, path: str | None = None,
                     stereo: bool = False, heard_only: bool = False) -> Recording:
        return await self.calls.record(call_id, path, stereo, heard_only)

    async def stop_recording(self, call_id: str | None = None) -> Recording:
        return await self.calls.stop_recording(call_id)

    async def audio_devices(self) -> list[AudioDevice]:
        return await self.backend.audio_devices()

    async def set_audio_device(self, role: str, device: str | None) -> str:
        if role not in DEVICE_ROLES:
            raise UsageError(f"no device role {role!r}; use one of {', '.join(DEVICE_ROLES)}")
        return await self.backend.set_audio_device(role, device or None)

    async def call_stats(self, call_id: str) -> CallStats:
        return await self.calls.fresh_stats(self.calls.get_call(call_id).id)

    async def pickup(self, target: str, account_id: str | None = None) -> CallInfo:
        entry = self.lamp_board.entry(target)
        if entry is None:
            raise NotFound(f"pickup: no QuickDial entry {target!r}")
        plan = replaces_pickup(self.lamp_board.lamp(entry.uri))
        if plan is not None:
            return await self.call(plan.uri, account_id, {"Replaces": plan.replaces})
        return await self.call(pickup_dial(entry), account_id)

    # chat and history

    async def send_message(
        self, uri: str, body: str, account_id: str | None = None,
        content_type: str = "text/plain",
    ) -> Message:
        return await self.chat.send(uri, body, account_id, content_type)

    async def messages(
        self, peer: str | None = None, limit: int = 100, pending: bool = False,
        before: str | None = None, after: str | None = None, around: str | None = None,
    ) -> list[Message]:
        if peer is not None or around is not None:  # the thread is the contact's URIs
            await self.callerid.ready()
        return self.chat.messages(peer, limit, pending, before, after, around)

    async def chat_threads(self) -> list[ChatThread]:
        return self.chat.threads()

    async def search_messages(
        self, text: str, peer: str | None = None, limit: int = 100
    ) -> list[Message]:
        return self.chat.search(text, peer, limit)

    async def resend_message(self, message_id: str) -> Message:
        return self.chat.resend(message_id)

    async def mark_read(self, peer: str) -> int:
        return self.chat.read(peer)

    async def typing(self, uri: str, account_id: str | None = None) -> bool:
        return await self.chat.typed(uri, account_id)

    async def send_file(self, uri: str, path: str, account_id: str | None = None) -> Message:
        return await self.file_sender.send(uri, path, account_id)

    async def download(self, message_id: str, out: str | None = None) -> list[FileTransfer]:
        assert self.chat.files is not None
        return await self.chat.files.download_message(message_id, out)

    async def history(self, limit: int = 50, identity: Vouch | None = None
                      ) -> list[HistoryEntry]:
        return self.store.history(limit=limit, identity=identity)

    # contacts

    async def lookup_contact(self, uri: str) -> ContactSummary | None:
        await self.callerid.keys_ready()
        return self.callerid.lookup(uri)

    def _contact_id(self, uri: str) -> str | None:
        found = self.callerid.lookup(uri)
        return found.id if found is not None else None

    async def search_contacts(self, text: str, limit: int = 20) -> list[ContactSummary]:
        return self.callerid.search(text, limit)

    async def smart_contacts(self) -> dict[str, bool]:
        return self.smart.verdicts()

    async def contact(self, contact_id: str) -> ContactDetails:
        return await self.contact_desk.details(contact_id)

    async def contact_photo(self, contact_id: str) -> ContactPhoto | None:
        return await self.contact_desk.photo(contact_id)

    async def contact_books(self) -> list[AddressBook]:
        return await self.contact_desk.books()

    async def save_contact(self, contact_id: str, fields: ContactFields) -> ContactDetails:
        return await self.contact_desk.save(contact_id, fields)

    async def create_contact(
        self, fields: ContactFields, book: str | None = None
    ) -> ContactDetails:
        return await self.contact_desk.create(fields, book)

    async def delete_contact(self, contact_id: str) -> None:
        await self.contact_desk.delete(contact_id)

    async def reload_contacts(self) -> int:
        return await self.contact_desk.reload()

    async def sync_contacts(self) -> list[BookSync]:
        return await self.contact_desk.sync()

    # lamps and presence

    async def lamps(self) -> list[Lamp]:
        return self.lamp_board.lamps()

    async def set_presence(
        self, state: str, note: str = "", account_id: str | None = None
    ) -> None:
        await self.presence.set(state, note, account_id)

    # diagnostics

    async def ping(
        self, uri: str, account_id: str | None = None, timeout_s: float = 5.0
    ) -> PingResult:
        acc = self.account(account_id)
        target = self.accounts.resolve_target(uri, acc).uri
        return await self.backend.ping(acc.id, target, timeout_s)

    async def trace(self, limit: int = 1000) -> list[TraceEntry]:
        entries = list(self.live.trace)
        return entries[-limit:] if limit else entries

    async def forget_peer(self, peer: str) -> int:
        key = peer_key(peer)
        kept = [e for e in self.live.trace if not e.names_peer(key)]
        dropped = len(self.live.trace) - len(kept)
        self.live.trace.clear()
        self.live.trace.extend(kept)
        return dropped + await self.journal.forget_peer(key)

    async def rtp_trace(self, call_id: str | None = None) -> list[RtpPacket]:
        if self.setup.backend.rtp_headers <= 0:
            raise UsageError("no RTP headers are kept: set [engine] rtp_headers (e.g. 20000) "
                             "and restart the engine, then place the call")
        packets = await self.backend.rtp_packets()
        return [p for p in packets if call_id is None or p.call_id == call_id]


def _counts(config: AccountConfig) -> bool:
    return config.features.usage_counters


def _is_echo_chat(event: Event) -> bool:
    match event:
        case MessageReceived(message=m) | MessageStatus(message=m):
            return m.account_id == ECHO_ID
    return False


def _screened_before_end(event: Event) -> bool:
    match event:
        case IncomingCall(call=call) | CallChanged(call=call):
            return bool(call.screened) and call.state is not CallState.ENDED
    return False
