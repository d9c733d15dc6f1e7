"""Write SIP trace entries as a pcap file Wireshark opens (LINKTYPE_RAW, stdlib only).

pjsua2 hands us the message text and the peer, not the packet, so each entry gets
a synthetic IPv4/IPv6 + UDP header: our side is 127.0.0.1:5060 (::1 for IPv6
peers), the peer is the trace entry's peer, and the direction sets which is source.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable
from typing import BinaryIO

from tuiphone.model.trace import TraceEntry

LINKTYPE_RAW = 101
_GLOBAL = struct.Struct("<IHHiIII")
_RECORD = struct.Struct("<IIII")
LOCAL_V4 = ipaddress.IPv4Address("127.0.0.1")
LOCAL_V6 = ipaddress.IPv6Address("::1")
LOCAL_PORT = 5060


def parse_peer(peer: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    """'1.2.3.4:5060' or '[::1]:5060' -> (address, port); unparsable peers map to 0.0.0.0:0."""
    host, _, port = peer.rpartition(":")
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host), int(port)
    except ValueError:
        return ipaddress.IPv4Address("0.0.0.0"), 0


def _udp(src_port: int, dst_port: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0) + payload


def packet(entry: TraceEntry) -> bytes:
    """One raw IP packet carrying ``entry.text`` in UDP (checksum 0 = not computed)."""
    peer, peer_port = parse_peer(entry.peer)
    local = LOCAL_V6 if peer.version == 6 else LOCAL_V4
    rx = entry.direction == "rx"
    src, dst = (peer, local) if rx else (local, peer)
    sport, dport = (peer_port, LOCAL_PORT) if rx else (LOCAL_PORT, peer_port)
    udp = _udp(sport, dport, entry.text.encode("utf-8", "replace"))
    if peer.version == 6:
        head = struct.pack("!IHBB", 6 << 28, len(udp), 17, 64)
        return head + src.packed + dst.packed + udp
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                       src.packed, dst.packed)
    return head[:10] + struct.pack("!H", _checksum(head)) + head[12:] + udp


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return int(~total & 0xFFFF)


def write_header(out: BinaryIO) -> None:
    out.write(_GLOBAL.pack(0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_RAW))


def write_entry(out: BinaryIO, entry: TraceEntry) -> None:
    data = packet(entry)
    secs = int(entry.timestamp)
    usecs = int((entry.timestamp - secs) * 1_000_000)
    out.write(_RECORD.pack(secs, usecs, len(data), len(data)) + data)


def write_pcap(out: BinaryIO, entries: Iterable[TraceEntry]) -> int:
    """Header plus one record per entry; returns the number of records."""
    write_header(out)
    count = 0
    for entry in entries:
        write_entry(out, entry)
        count += 1
    return count
