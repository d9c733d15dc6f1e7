"""What the engine keeps: chat messages and delivery states, finished calls, and the
SIP trace file (``features.sip_trace_log``). A failed write (a full disk) becomes one
Notice and never takes a call down. The echo line's own traffic is never kept.
Loop-thread only."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tuiphone.engine.echo import ECHO_ID
from tuiphone.model.call import HistoryEntry
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import Event, MessageReceived, MessageStatus, Notice, SipTrace
from tuiphone.model.trace import TraceEntry
from tuiphone.store import Store


class Journal:
    def __init__(self, store: Store, trace_file: Path | None,
                 publish: Callable[[Event], None]) -> None:
        self.store = store
        self._trace_file = trace_file
        self._publish = publish

    def on_event(self, event: Event) -> None:
        try:
            self._keep(event)
        except TuiphoneError as err:
            # A full disk must not take calls down with it; say it once per event.
            self._publish(Notice("error", f"not saved: {err}"))

    def _keep(self, event: Event) -> None:
        match event:
            case MessageReceived(message=msg) if msg.account_id != ECHO_ID:
                self.store.add_message(msg)
            case MessageStatus(message=msg) if msg.account_id != ECHO_ID:
                self.store.update_delivery(msg.id, msg.delivery, msg.code, msg.reason)
            case SipTrace(entry=entry) if self._trace_file is not None:
                self._append_trace(entry, self._trace_file)
            case _:
                pass

    def _append_trace(self, entry: TraceEntry, path: Path) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.timestamp))
        head = f"{stamp} {entry.direction.upper()} {entry.transport} {entry.peer}\n"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(head + entry.text.rstrip() + "\n\n")

    def record_history(self, entry: HistoryEntry) -> None:
        if entry.account_id == ECHO_ID:
            return
        try:
            self.store.add_call(entry)
        except TuiphoneError as err:
            self._publish(Notice("error", f"call history not saved: {err}"))
