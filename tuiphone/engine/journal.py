"""What the engine keeps: finished calls and the
SIP trace file (``features.sip_trace_log``). A failed write (a full disk) becomes one
Notice while it keeps failing (see ``Complaints``) and never takes a call down. The echo
line's own traffic is never kept. Chat messages are kept by Chat and its Outbox through
``save``. Loop-thread only."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from tuiphone.engine.complaints import Complaints
from tuiphone.engine.echo import ECHO_ID
from tuiphone.engine.tracefile import append_record, drop_peer
from tuiphone.model.call import HistoryEntry
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import Event, SipTrace
from tuiphone.model.trace import TraceEntry
from tuiphone.store import Store
from tuiphone.store.errors import StoreError


class Journal:
    """``history_limit`` calls are kept (0: none); ``trace_held`` pauses the trace file
    (records wait in memory) while retention rewrites it."""

    def __init__(self, store: Store, trace_file: Path | None,
                 publish: Callable[[Event], None], history_limit: int | None = None,
                 trace_wanted: Callable[[TraceEntry], bool] = lambda entry: True) -> None:
        self.store = store
        self._trace_file = trace_file
        self.trace_wanted = trace_wanted  # only the accounts with features.sip_trace_log
        self.history_limit = history_limit
        self.complaints = Complaints(publish)
        self._held: list[TraceEntry] | None = None
        self._rewriting = asyncio.Lock()

    @property
    def trace_file(self) -> Path | None:
        return self._trace_file

    @contextlib.asynccontextmanager
    async def trace_held(self) -> AsyncIterator[None]:
        """Records wait in memory until the block ends; one rewrite at a time (retention
        and ``forget_peer`` may want the file at once)."""
        async with self._rewriting:
            self._held = []
            try:
                yield
            finally:
                held, self._held = self._held, None
                for entry in held:
                    self._append(entry)

    async def forget_peer(self, key: str) -> int:
        """Rewrite the SIP trace log without the peer ``key``'s messages (appends wait in
        memory meanwhile; those of that peer are dropped too); returns how many went."""
        path = self._trace_file
        if path is None:
            return 0
        async with self.trace_held():
            try:
                dropped = await asyncio.to_thread(drop_peer, path, key)
            except OSError as err:
                raise StoreError(f"SIP trace log {path}: {err.strerror}") from err
            held = self._held or []
            kept = [e for e in held if not e.names_peer(key)]
            dropped += len(held) - len(kept)
            held[:] = kept
        return dropped

    def _append(self, entry: TraceEntry) -> None:
        if self._held is not None:
            self._held.append(entry)
        elif self._trace_file is not None:
            path = self._trace_file
            self.save("SIP trace log", lambda: append_record(path, entry))

    def on_event(self, event: Event) -> None:
        match event:
            case SipTrace(entry=entry) if self._trace_file is not None:
                if self.trace_wanted(entry):
                    self._append(entry)
            case _:
                pass

    def record_history(self, entry: HistoryEntry) -> None:
        if entry.account_id != ECHO_ID:
            self.save("call history", lambda: self.store.add_call(entry, self.history_limit))

    def save(self, kind: str, work: Callable[[], object]) -> bool:
        """Run the write ``work``; False (and a complaint) when it failed."""
        try:
            work()
        except TuiphoneError as err:
            self.complaints.failed(kind, str(err))
        except OSError as err:
            self.complaints.failed(kind, f"{err.filename}: {err.strerror}")
        else:
            self.complaints.worked(kind)
            return True
        return False
