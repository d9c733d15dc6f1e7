"""events, trace: the event stream and the SIP trace (text, JSON, or pcap)."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import AsyncIterator
from typing import Any

from tuiphone.commands.trace import pcap
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.codec import event_to_jsonable, to_jsonable
from tuiphone.model.errors import UsageError
from tuiphone.model.events import SipTrace
from tuiphone.model.rtp import RtpPacket
from tuiphone.model.trace import TraceEntry


async def events(phone: PhoneApi, args: argparse.Namespace) -> AsyncIterator[Any]:
    """A snapshot, then every event as ``{"event": kind, ...}``, until interrupted."""
    async with EventFeed(phone) as feed:
        yield {"event": "snapshot", "state": to_jsonable(phone.state())}
        while (event := await feed.next()) is not None:
            yield event_to_jsonable(event)


async def trace(phone: PhoneApi, args: argparse.Namespace) -> AsyncIterator[Any]:
    """Past entries, then (``--follow``) new ones. With ``--pcap`` items are summaries;
    ``--rtp`` adds the RTP headers kept, in time order with the SIP messages; with
    ``--ladder`` one item, a dialog's ladder (``--from-pcap``: no engine at all)."""
    if getattr(args, "ladder", False) or getattr(args, "from_pcap", None):
        from tuiphone.commands.trace.ladder_cmd import ladder

        yield await ladder(phone, args)
        return
    if getattr(args, "call", None) or getattr(args, "local", None):
        raise UsageError("--call and --local go with --ladder")
    if args.rtp and (not args.pcap or args.follow):
        raise UsageError("--rtp goes with --pcap FILE, without --follow")
    async with EventFeed(phone) as feed:
        entries: list[TraceEntry | RtpPacket] = list(await phone.trace(args.limit))
        rtp = await phone.rtp_trace() if args.rtp else []
        if rtp:
            entries = sorted([*entries, *rtp], key=lambda e: e.timestamp)
        sink = _PcapSink(args.pcap) if args.pcap else None
        try:
            for entry in entries:
                if isinstance(entry, RtpPacket):
                    assert sink is not None  # --rtp needs --pcap
                    sink.rtp(entry)
                    continue
                yield sink.add(entry) if sink else entry
            if sink and args.rtp:
                yield {"pcap": sink.name, "rtp_packets": sink.rtp_count}
            while args.follow and (event := await feed.next()) is not None:
                if isinstance(event, SipTrace):
                    yield sink.add(event.entry) if sink else event.entry
        finally:
            if sink:
                sink.close()


class _PcapSink:
    def __init__(self, path: str) -> None:
        try:  # 0600 like the trace log: SIP messages carry names, numbers and digests
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.fchmod(fd, 0o600)  # a file that was there keeps no wider mode
            self._out = os.fdopen(fd, "wb")
        except OSError as err:
            raise UsageError(f"--pcap {path}: {err.strerror}") from err
        self._writer = pcap.PcapWriter(self._out)
        self.rtp_count = 0

    def add(self, entry: TraceEntry) -> dict[str, Any]:
        self._writer.add(entry)
        self._out.flush()
        return {"pcap": self._out.name, "direction": entry.direction, "peer": entry.peer,
                "first_line": entry.first_line}

    @property
    def name(self) -> str:
        return str(self._out.name)

    def rtp(self, packet: RtpPacket) -> None:
        """An RTP header: into the file, not one summary line per packet."""
        self._writer.add(packet)
        self.rtp_count += 1

    def close(self) -> None:
        self._out.close()
