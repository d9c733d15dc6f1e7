"""Transfer progress from worker threads onto the loop, as FileTransferChanged events
(at most one per MiB, the chunk size, plus the start and the end)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from tuiphone.model.events import Event, FileTransferChanged
from tuiphone.model.files import FileTransfer, TransferState


class Progress:
    """Publishes one transfer's states; ``tick`` may be called from any thread."""

    def __init__(self, publish: Callable[[Event], None], start: FileTransfer) -> None:
        self._publish = publish
        self._loop = asyncio.get_running_loop()
        self.current = start
        publish(FileTransferChanged(start))

    def tick(self, done: int) -> None:
        self._loop.call_soon_threadsafe(self.move, self.current.state, done)

    def move(self, state: TransferState, done: int | None = None, *, path: str = "",
             error: str = "") -> FileTransfer:
        self.current = dataclasses.replace(
            self.current, state=state, done=self.current.done if done is None else done,
            path=path or self.current.path, error=error)
        self._publish(FileTransferChanged(self.current))
        return self.current
