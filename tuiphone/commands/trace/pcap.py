"""Write SIP trace entries as a pcapng file that Wireshark and tshark read as SIP.

Packets are rebuilt by ``packets.Packets`` (real addresses where the messages say
them, TCP and TLS as TCP segments). pcapng rather than pcap because a packet can carry a
comment: a TLS message's says it is decrypted text. One interface, LINKTYPE_RAW.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import BinaryIO

from tuiphone.commands.trace.packets import Built, Packets, parse_peer, rtp_packet
from tuiphone.model.rtp import RtpPacket
from tuiphone.model.trace import TraceEntry

__all__ = ["LINKTYPE_RAW", "PcapWriter", "parse_peer", "write_pcap"]

LINKTYPE_RAW = 101
SNAPLEN = 262144
_SHB, _IDB, _EPB = 0x0A0D0D0A, 0x00000001, 0x00000006
_BYTE_ORDER = 0x1A2B3C4D
_OPT_COMMENT = 1


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _block(kind: int, body: bytes) -> bytes:
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def _options(comment: str) -> bytes:
    if not comment:
        return b""
    text = comment.encode()
    return struct.pack("<HH", _OPT_COMMENT, len(text)) + _pad(text) + struct.pack("<HH", 0, 0)


class PcapWriter:
    """Writes the section and interface headers at once, then one block per ``add``."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.packets = Packets()
        out.write(_block(_SHB, struct.pack("<IHHq", _BYTE_ORDER, 1, 0, -1)))
        out.write(_block(_IDB, struct.pack("<HHI", LINKTYPE_RAW, 0, SNAPLEN)))

    def add(self, entry: TraceEntry | RtpPacket) -> None:
        """One SIP message, or one RTP header (the packet cut after it)."""
        built = rtp_packet(entry) if isinstance(entry, RtpPacket) else self.packets.build(entry)
        self._write(entry.timestamp, built)

    def _write(self, timestamp: float, built: Built) -> None:
        micros = int(round(timestamp * 1_000_000))
        head = struct.pack("<IIIII", 0, micros >> 32, micros & 0xFFFFFFFF, len(built.data),
                           max(built.length, len(built.data)))
        self.out.write(_block(_EPB, head + _pad(built.data) + _options(built.comment)))


def write_pcap(out: BinaryIO, entries: Iterable[TraceEntry | RtpPacket]) -> int:
    """The headers plus one packet per entry; returns the number of packets."""
    writer = PcapWriter(out)
    count = 0
    for entry in entries:
        writer.add(entry)
        count += 1
    return count
