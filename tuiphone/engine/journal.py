"""What the engine keeps: finished calls and the
SIP trace file (``features.sip_trace_log``). A failed write (a full disk) becomes one
Notice while it keeps failing (see ``Complaints``) and never takes a call down. The echo
line's own traffic is never kept. Chat messages are kept by Chat and its Outbox through
``save``. A write that found the database locked by another program (past SQLite's busy
timeout) and was asked to be ``kept`` is tried again every ``RETRY_S`` until it goes
through, so history and incoming chat are not lost to a lock. Loop-thread only."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
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
from tuiphone.store.errors import SQLITE_BUSY, SQLITE_LOCKED, StoreError

RETRY_S = 2.0
MAX_WAITING = 10_000  # writes held for a lock; past this the oldest are given up


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
        self._waiting: deque[tuple[str, Callable[[], object]]] = deque()
        self._retry: asyncio.TimerHandle | None = None
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
            self.save("call history", lambda: self.store.add_call(entry, self.history_limit),
                      keep=True)

    def save(self, kind: str, work: Callable[[], object], keep: bool = False) -> bool:
        """Run the write ``work``; False (and a complaint) when it failed. With ``keep``,
        a write the database lock refused waits (in order, behind any other) and is
        retried until it goes through; ``work`` must then be safe to run later."""
        if keep and self._waiting:
            self._wait(kind, work)  # behind the others, so the order is kept
            return False
        try:
            work()
        except StoreError as err:
            if keep and err.code in (SQLITE_BUSY, SQLITE_LOCKED):
                self._wait(kind, work)
                why = f"{err.path} is locked by another program; kept, and saved once it is free"
                self.complaints.failed(kind, why, lost=False)
            else:
                self.complaints.failed(kind, str(err))
        except TuiphoneError as err:
            self.complaints.failed(kind, str(err))
        except OSError as err:
            self.complaints.failed(kind, f"{err.filename}: {err.strerror}")
        else:
            self.complaints.worked(kind)
            return True
        return False

    @property
    def waiting(self) -> int:
        """Writes held back by a lock, not yet saved."""
        return len(self._waiting)

    def close(self) -> None:
        """Stop retrying (what still waits is lost: the engine is going away)."""
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None

    def _wait(self, kind: str, work: Callable[[], object]) -> None:
        if len(self._waiting) >= MAX_WAITING:
            dropped, _ = self._waiting.popleft()
            self.complaints.failed(dropped, "the database stayed locked; given up")
        self._waiting.append((kind, work))
        if self._retry is None:
            self._retry = asyncio.get_running_loop().call_later(RETRY_S, self._flush)

    def _flush(self) -> None:
        self._retry = None
        while self._waiting:
            kind, work = self._waiting[0]
            try:
                work()
            except StoreError as err:
                if err.code in (SQLITE_BUSY, SQLITE_LOCKED):
                    break  # still locked: try again later
                self._waiting.popleft()
                self.complaints.failed(kind, str(err))
                continue
            except (TuiphoneError, OSError) as err:
                self._waiting.popleft()
                self.complaints.failed(kind, str(err))
                continue
            self._waiting.popleft()
            self.complaints.worked(kind)
        if self._waiting:
            self._retry = asyncio.get_running_loop().call_later(RETRY_S, self._flush)
