"""trace --ladder: one dialog's ladder for a ticket, from the engine's trace or a pcap."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.commands.output import Verbatim
from tuiphone.commands.trace.ladder import Dialog, group_dialogs, pick
from tuiphone.commands.trace.ladder_out import RENDER, as_data
from tuiphone.commands.trace.packet_sip import SipPacket, sip_packets
from tuiphone.commands.trace.pcapread import PcapError, frames
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.trace import TraceEntry


async def ladder(phone: PhoneApi | None, args: argparse.Namespace) -> Any:
    """The ladder of ``--call`` (a SIP Call-ID, its start, or a call id of the engine),
    else of the last call in the trace. Raises NotFound, UsageError (a bad pcap)."""
    wanted = args.call
    if args.from_pcap:
        entries = from_pcap(args.from_pcap, args.local, wanted)
    else:
        assert phone is not None  # only --from-pcap runs without an engine
        entries = await phone.trace(args.limit)
        wanted = _sip_call_id(phone, wanted)
    dialog = pick(group_dialogs(entries), wanted)
    if dialog is None:
        raise NotFound(f"no SIP dialog {wanted!r} in the trace" if wanted
                       else "no SIP dialog in the trace")
    return render(dialog, args.format, bool(opt(args, "json")))


def render(dialog: Dialog, fmt: str, as_json: bool) -> Any:
    return as_data(dialog) if as_json else Verbatim(RENDER[fmt](dialog))


def _sip_call_id(phone: PhoneApi, wanted: str | None) -> str | None:
    """An engine's call id (``call --json``'s call_id) names its SIP Call-ID while the
    engine knows the call; anything else is taken as a SIP Call-ID."""
    for call in phone.state().calls:
        if wanted and call.id == wanted and call.sip_call_id:
            return call.sip_call_id
    return wanted


def from_pcap(path: str, local: str | None, wanted: str | None) -> list[TraceEntry]:
    """The capture's SIP messages as trace entries seen from ``local`` ("ip:port"):
    what it sent is tx, what it got rx; other hops are left out. Without ``local``,
    each dialog is seen from the sender of its first message."""
    try:
        with open(path, "rb") as f:  # only the wanted dialog is kept: captures get big
            packets = [p for p in sip_packets(frames(f)) if not wanted or wanted in p.text]
    except OSError as err:
        raise UsageError(f"--from-pcap {path}: {err.strerror}") from err
    except PcapError as err:
        raise PcapError(f"--from-pcap {path}: {err}") from None
    return as_seen_from(packets, local)


def as_seen_from(packets: list[SipPacket], local: str | None) -> list[TraceEntry]:
    first_sender: dict[str, str] = {}
    entries = []
    for packet in packets:
        probe = TraceEntry(packet.timestamp, "tx", packet.transport, packet.dst, packet.text)
        me = local or first_sender.setdefault(probe.call_id, packet.src)
        if packet.src == me:
            entries.append(probe)
        elif packet.dst == me:
            entries.append(TraceEntry(packet.timestamp, "rx", packet.transport, packet.src,
                                      packet.text))
    return entries
