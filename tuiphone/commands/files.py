"""download, and the progress bar ``message --file`` and ``download`` draw on stderr."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, TextIO

from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.codec import to_jsonable
from tuiphone.model.events import Event, FileTransferChanged
from tuiphone.model.files import FileTransfer, TransferState

WIDTH = 30


class ProgressBar:
    """One line on stderr per transfer, redrawn in place; silent with --json."""

    def __init__(self, quiet: bool, out: TextIO | None = None) -> None:
        self.quiet = quiet
        self.out = out or sys.stderr
        self._open = False

    def show(self, event: Event, message_id: str | None = None) -> None:
        if self.quiet or not isinstance(event, FileTransferChanged):
            return
        t = event.transfer
        if message_id is not None and t.message_id != message_id:
            return
        self.out.write("\r" + line(t))
        self._open = t.state in (TransferState.UPLOADING, TransferState.DOWNLOADING)
        if not self._open:
            self.out.write("\n")
        self.out.flush()

    def close(self) -> None:
        if self._open and not self.quiet:
            self.out.write("\n")
            self._open = False


def line(t: FileTransfer) -> str:
    share = min(t.done / t.total, 1.0) if t.total else (1.0 if t.done else 0.0)
    fill = int(share * WIDTH)
    tail = f" {t.error}" if t.error else ""
    return (f"{t.filename[:30]:30} [{'#' * fill}{'.' * (WIDTH - fill)}] {share:4.0%} "
            f"{t.state.value}{tail}")[:200]


async def download(phone: PhoneApi, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Fetch a received message's files again. Raises NotFound, NetworkError (404:
    expired), TuiphoneError for a file that fails its check (nothing saved)."""
    bar = ProgressBar(bool(opt(args, "json")))
    async with EventFeed(phone) as feed:
        task = asyncio.ensure_future(phone.download(args.id, opt(args, "out")))
        try:
            while not task.done():
                getter = asyncio.ensure_future(feed.next(None))
                await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                elif (event := getter.result()) is not None:
                    bar.show(event, args.id)
            done = await task
        finally:
            task.cancel()
            bar.close()
    return [to_jsonable(t) for t in done]
