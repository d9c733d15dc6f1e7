"""The interface every front end programs against.

``tuiphone.engine.phone.Phone`` implements it in-process; ``tuiphone.control.RemotePhone``
implements it over the control socket, so the TUI and the commands cannot tell them apart.
Every method is a coroutine run on the caller's asyncio loop and raises only
``tuiphone.model.errors`` types. ``call_id``/``account_id`` None means "the obvious one":
the single active/ringing call, the default (first) account.

This Protocol is the only declaration of the API: a new method is written here and
in ``Phone``; ``tuiphone.control.methods`` reads its signature and types to serve it
on the control socket and to make ``RemotePhone``'s method. Values that cross it are
``tuiphone.model`` types (the codec needs their type hints), never plain dicts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from tuiphone.model.account import AccountState
from tuiphone.model.audio import AudioDevice, Recording
from tuiphone.model.backend import PingResult
from tuiphone.model.call import CallInfo, CallStats, HistoryEntry
from tuiphone.model.contact import (
    AddressBook,
    BookSync,
    ContactDetails,
    ContactFields,
    ContactPhoto,
    ContactSummary,
)
from tuiphone.model.events import Event
from tuiphone.model.files import FileTransfer
from tuiphone.model.lamp import Lamp
from tuiphone.model.location import InvitePreview, LocationChoice
from tuiphone.model.message import ChatThread, Message
from tuiphone.model.network import AccountRoute
from tuiphone.model.rtp import RtpPacket
from tuiphone.model.trace import TraceEntry
from tuiphone.model.trust import Refusals, Vouch


@dataclass(frozen=True, slots=True)
class MwiState:
    account_id: str
    waiting: bool = False
    new: int = 0
    old: int = 0


@dataclass(frozen=True, slots=True)
class PhoneState:
    """A full snapshot: what a newly attached client needs before the event stream."""

    accounts: tuple[AccountState, ...] = ()
    calls: tuple[CallInfo, ...] = ()
    mwi: tuple[MwiState, ...] = ()
    audio_mode: str = "null"
    default_account: str | None = None
    echo_uri: str | None = None  # the built-in test line, when enabled
    routes: tuple[AccountRoute, ...] = ()  # how each registering account reaches its server
    request_filter: str = ""  # how the stack refuses strangers: "pjsip-module" | "callbacks"
    refused: tuple[Refusals, ...] = ()  # refused requests per source and reason, most first
    dnd: tuple[str, ...] = ()  # accounts in do-not-disturb
    extra: dict[str, object] = field(default_factory=dict)


class PhoneApi(Protocol):
    @property
    def remote(self) -> bool:
        """True when the engine runs in another process (attached over the control socket):
        a front end that quits closes its connection and leaves the engine and its calls up."""

    def state(self) -> PhoneState: ...

    def events(self) -> AsyncIterator[Event]:
        """A new subscription: every event from now on, in order, until the phone stops."""

    async def register(
        self, account_id: str | None = None, timeout_s: float | None = None
    ) -> AccountState:
        """(Re-)register and wait for the final answer. Raises SipError, Timeout, NetworkError."""

    async def unregister(self, account_id: str | None = None) -> AccountState: ...

    async def call(
        self,
        uri: str,
        account_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> CallInfo:
        """Start a call; returns at once with state CALLING. ``uri`` may be a dial string
        (number, user, sip: URI, ``echo``). Raises InvalidUri, LimitExceeded."""

    async def answer(self, call_id: str | None = None) -> CallInfo: ...

    async def location(self, account_id: str | None = None) -> LocationChoice:
        """The location profile an emergency call on the account would carry now, why
        it matched and what was observed of the network (``profile`` None: none)."""

    async def set_location(self, name: str | None, account_id: str | None = None
                           ) -> LocationChoice:
        """Pick a profile by hand (None: match the network again). Raises NotFound.
        The engine forgets it at stop; ``location set`` also keeps it in state.toml."""

    async def invite_preview(self, uri: str, account_id: str | None = None,
                             headers: Mapping[str, str] | None = None) -> InvitePreview:
        """The INVITE ``call`` would send to ``uri``, as far as it is known before the
        stack builds it (``call --dry-run``). Sends nothing."""

    async def reject(self, call_id: str | None = None, code: int = 486) -> None: ...

    async def hangup(self, call_id: str | None = None) -> None: ...

    async def hangup_all(self) -> int: ...

    async def redirect(self, call_id: str | None, target: str) -> None: ...

    async def hold(self, call_id: str | None = None) -> None: ...

    async def resume(self, call_id: str | None = None) -> None: ...

    async def mute(self, call_id: str | None = None, muted: bool = True) -> None: ...

    async def dtmf(self, digits: str, call_id: str | None = None) -> None: ...

    async def transfer(self, target: str, call_id: str | None = None) -> None: ...

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None: ...

    async def conference(self, call_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Add calls (none: every connected call) to the local conference, resuming the
        ones on hold; returns its members. Raises UsageError, NotFound."""

    async def leave_conference(self, call_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Take calls (none: all, a split) out of the conference and hold them; returns
        them. Raises UsageError when there is no conference or a call is not in it."""

    async def play(self, call_id: str, path: str) -> None: ...

    async def record(self, call_id: str | None = None, path: str | None = None,
                     stereo: bool = False, heard_only: bool = False) -> Recording:
        """Record a connected call (None: the only one) into ``path`` (None: a file in
        [audio] record_dir), a path on the engine's machine, until ``stop_recording`` or
        the call's end: the far end and what the call hears from us (microphone or played
        file), mixed, or left = far end and right = us with ``stereo``. The call's
        ``recording`` names the file meanwhile. ``heard_only``: only what the call
        receives, and no ``recording`` mark (a test's tone check). Raises UsageError (no
        record_dir, unwritable file), NotFound."""
        ...

    async def stop_recording(self, call_id: str | None = None) -> Recording:
        """Finish a call's recording (None: the only call being recorded). Raises
        UsageError if it is not being recorded, NotFound."""
        ...

    async def audio_devices(self) -> list[AudioDevice]:
        """The sound devices of the engine's machine, as PortAudio lists them (device
        mode needs the audio extra; UsageError without it)."""
        ...

    async def set_audio_device(self, role: str, device: str | None) -> str:
        """Use ``device`` (a name, part of one, or an index; None: the default) as the
        "input", "output" or "ring" device until the engine stops ([audio] keeps it
        beyond); a call's streams move at once. Returns the device's name. Raises
        UsageError (unknown role), NotFound listing the devices, NetworkError."""
        ...

    async def call_stats(self, call_id: str) -> CallStats:
        """RTP statistics with an E-model MOS estimate."""

    async def send_message(
        self,
        uri: str,
        body: str,
        account_id: str | None = None,
        content_type: str = "text/plain",
    ) -> Message:
        """Store a MESSAGE in the outbox and return it QUEUED; MessageStatus events follow
        (SENDING, SENT or FAILED, QUEUED again while it waits for a retry). Raises
        LimitExceeded (nothing stored) for a body that can never fit."""

    async def messages(
        self, peer: str | None = None, limit: int = 100, pending: bool = False,
        before: str | None = None, after: str | None = None, around: str | None = None,
    ) -> list[Message]:
        """A page of stored messages, oldest first: the newest ``limit`` of ``peer``'s
        thread (any spelling of its URI) or of all; with ``before``/``after`` a message
        id, the page just older/newer than it; with ``around``, its thread's page with it
        in the middle. ``pending``: only the outbox (queued, sending). Raises NotFound
        for an unknown message id."""
        ...

    async def chat_threads(self) -> list[ChatThread]:
        """Every chat thread over the whole history (one per normalised peer), the most
        recently active first, with its newest message and unread count."""
        ...

    async def search_messages(
        self, text: str, peer: str | None = None, limit: int = 100
    ) -> list[Message]:
        """Messages holding every word of ``text`` (a word ending in ``*`` as a prefix),
        in ``peer``'s thread or all, the most recently stored first. Raises UsageError
        for a query with no words."""
        ...

    async def resend_message(self, message_id: str) -> Message:
        """Put a failed outgoing message back in the outbox, QUEUED as if written now;
        MessageStatus events follow as for ``send_message``. Raises NotFound, UsageError
        (not a failed outgoing message)."""
        ...

    async def mark_read(self, peer: str) -> int:
        """Mark the thread of ``peer`` (any spelling of its URI) read, which clears its
        unread count; display notifications go out for the messages just read that asked
        for one, when the account's features.read_receipts is on. Returns how many
        messages were unread."""
        ...

    async def typing(self, uri: str, account_id: str | None = None) -> bool:
        """The user is typing to ``uri``: an is-composing "active" goes out (at most once
        a minute; "idle" follows 15 s after the last call) when the account's
        features.typing is on. Returns whether an indication went out now."""
    async def send_file(self, uri: str, path: str, account_id: str | None = None) -> Message:
        """Encrypt the file at ``path`` (a path on the engine's machine) with a fresh key
        and queue it with a MESSAGE in the outbox: returned QUEUED; it is uploaded when
        the outbox sends it (FileTransferChanged events show progress) and stays queued
        while the upload server is unreachable. Raises UsageError (file sharing off, no
        upload server, not a file), LimitExceeded (over max_size), NotFound."""
        ...

    async def download(self, message_id: str, out: str | None = None) -> list[FileTransfer]:
        """Download (again) the files of a received message, decrypt and check them, and
        save them under the files folder (or ``out``: a folder or a file name), never
        overwriting. Raises NotFound, NetworkError (the link expired: 404), and
        TuiphoneError for a file that fails its check (nothing is saved)."""
        ...

    async def history(self, limit: int = 50, identity: Vouch | None = None
                      ) -> list[HistoryEntry]:
        """The newest ``limit`` calls; ``identity`` keeps only incoming calls whose caller
        identity the network vouched for that way (``passed``, ``unverified``, ...)."""

    async def ping(
        self, uri: str, account_id: str | None = None, timeout_s: float = 5.0
    ) -> PingResult: ...

    async def trace(self, limit: int = 1000) -> list[TraceEntry]: ...

    async def forget_peer(self, peer: str) -> int:
        """Drop ``peer``'s SIP messages (From, To or Request-URI) from what the engine
        holds outside the database: the trace ring and the SIP trace log. Returns how
        many records went (``data erase --peer`` does the database)."""

    async def rtp_trace(self, call_id: str | None = None) -> list[RtpPacket]:
        """The RTP headers kept of every call (or of ``call_id``), oldest first. Raises
        UsageError when none are kept (``[engine] rtp_headers`` is 0, the default)."""

    async def lookup_contact(self, uri: str) -> ContactSummary | None:
        """The address-book contact owning a number or SIP URI (caller ID), or None.
        None too while the contacts are still loading or when none are configured."""

    async def search_contacts(self, text: str, limit: int = 20) -> list[ContactSummary]:
        """Contacts matching every word of ``text`` (name, org, number, address); at
        most ``limit``."""

    async def contact(self, contact_id: str) -> ContactDetails:
        """Every field of one contact (``id`` from search/lookup), with ``writable``.
        Raises NotFound; UsageError when no address book is configured."""

    async def contact_photo(self, contact_id: str) -> ContactPhoto | None:
        """The contact's PHOTO: an image, or a link for a remote photo (fetched only
        with contacts.fetch_remote_photos), or None."""

    async def contact_books(self) -> list[AddressBook]:
        """The configured address books in config order, with ``writable``."""

    async def save_contact(self, contact_id: str, fields: ContactFields) -> ContactDetails:
        """Change the given fields and write the card back; only edited lines change.
        Returns the saved contact. Raises ConflictError (changed meanwhile, nothing
        overwritten), UsageError (read-only book, bad field), NetworkError, Timeout."""

    async def create_contact(
        self, fields: ContactFields, book: str | None = None
    ) -> ContactDetails:
        """Add a contact (``fn`` required) to ``book``, by default the first writable one."""

    async def delete_contact(self, contact_id: str) -> None: ...

    async def reload_contacts(self) -> int:
        """Re-read the address books (files changed outside); returns the contact count.
        A ContactsChanged event follows every change, whoever made it."""

    async def sync_contacts(self) -> list[BookSync]:
        """Sync every CardDAV book now (RFC 6578, falling back to a full listing); one
        result per book. Progress arrives as Notice events."""

    async def lamps(self) -> list[Lamp]:
        """Every QuickDial lamp (BLF/presence) and the echo line's, keyed by ``Lamp.uri``:
        the entry's ``uri`` as configured, or "echo". LampChanged events follow changes."""

    async def set_presence(
        self, state: str, note: str = "", account_id: str | None = None
    ) -> None:
        """Publish our status: available, away, dnd, busy/on-the-phone, offline. Raises
        UsageError when the account's features.presence is off."""

    async def dial_preview(self, text: str, account_id: str | None = None) -> str:
        """The URI that dialling ``text`` would call, after the account's dialling rules.
        Raises InvalidUri, NotFound."""

    async def codecs(self, account_id: str | None = None) -> list[str]:
        """The codecs this build offers, in the order a call of the account (the default
        account when None) offers them. Raises NotFound."""

    async def set_dnd(self, on: bool, account_id: str | None = None) -> list[str]:
        """Do not disturb on or off for one account (every account when None): calls are
        then answered by the account's ``rules.dnd_action`` without ringing. Returns the
        accounts in DND; DndChanged follows. Raises NotFound."""

    async def pickup(self, target: str, account_id: str | None = None) -> CallInfo:
        """Pick up the call ringing at a QuickDial entry (by label or URI): an INVITE with
        Replaces to the caller when the entry's BLF lamp carries the ringing dialog's
        call-id and tags, else its pickup code. Raises NotFound, UsageError (neither)."""

    async def note_usage(self, fact: str) -> None:
        """Count an app-wide usage fact: ``start.tui|shell|daemon|cli``, ``screen.NAME``
        or ``crash``. Nothing is counted unless an account's features.usage_counters is
        on. Raises UsageError for any other name."""

    async def smart_contacts(self) -> dict[str, bool]:
        """Smart Contacts: contact id (as in ``lookup_contact``) -> whether it is a user on
        the default account's SIP provider, for contacts probed so far. Empty when that
        account's features.smart_contacts is off (then nothing is ever probed).
        SmartContactChanged events follow new answers."""
