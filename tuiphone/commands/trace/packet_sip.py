"""SIP messages out of captured frames: link layer, IPv4/IPv6, UDP, and TCP streams
cut into messages by Content-Length.

Link types: Ethernet (with 802.1Q tags), Linux cooked SLL and SLL2, raw IP, BSD
loopback. IP fragments are not reassembled (a fragmented SIP datagram is skipped);
a TCP stream is followed in sequence order, retransmitted bytes dropped.
"""

from __future__ import annotations

import ipaddress
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tuiphone.commands.trace.pcapread import Frame

ETHERNET, RAW, RAW_ALT, NULL, LOOP, SLL, SLL2, IPV4, IPV6 = 1, 101, 12, 0, 108, 113, 276, 228, 229
_VLAN = (0x8100, 0x88A8, 0x9100)
_SIP_START = re.compile(rb"^(?:SIP/2\.0 \d{3}[^\r\n]*|[A-Z]+ \S+ SIP/2\.0)\r?\n")
_LENGTH = re.compile(rb"^(?:content-length|l)[ \t]*:[ \t]*(\d+)", re.I | re.M)
_V6_SKIP = (0, 43, 60, 51)  # hop-by-hop, routing, destination options, AH


@dataclass(frozen=True, slots=True)
class SipPacket:
    timestamp: float
    transport: str  # "UDP" | "TCP"
    src: str  # "ip:port" or "[ip6]:port"
    dst: str
    text: str


def sip_packets(frames: Iterable[Frame]) -> Iterator[SipPacket]:
    streams: dict[tuple[str, str], _Stream] = {}
    for frame in frames:
        ip = _network(frame)
        if ip is None:
            continue
        src_ip, dst_ip, proto, segment = ip
        if proto == 17 and len(segment) >= 8:
            sport, dport = struct.unpack_from("!HH", segment)
            payload = segment[8:]
            if _SIP_START.match(payload):
                yield SipPacket(frame.timestamp, "UDP", _ep(src_ip, sport), _ep(dst_ip, dport),
                                payload.decode("utf-8", "replace"))
        elif proto == 6 and len(segment) >= 20:
            sport, dport, seq = struct.unpack_from("!HHI", segment)
            offset = (segment[12] >> 4) * 4
            payload = segment[offset:]
            flags = segment[13]
            key = (_ep(src_ip, sport), _ep(dst_ip, dport))
            stream = streams.setdefault(key, _Stream())
            for text in stream.feed(seq, payload, syn=bool(flags & 0x02)):
                yield SipPacket(frame.timestamp, "TCP", key[0], key[1], text)


def _ep(address: bytes, port: int) -> str:
    ip = ipaddress.ip_address(address)
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def _network(frame: Frame) -> tuple[bytes, bytes, int, bytes] | None:
    data, kind = frame.data, frame.linktype
    if kind == ETHERNET:
        if len(data) < 14:
            return None
        ethertype, at = struct.unpack_from("!H", data, 12)[0], 14
        while ethertype in _VLAN and len(data) >= at + 4:
            ethertype, at = struct.unpack_from("!H", data, at + 2)[0], at + 4
        return _ip(data[at:]) if ethertype in (0x0800, 0x86DD) else None
    if kind == SLL and len(data) >= 16:
        return _ip(data[16:]) if data[14:16] in (b"\x08\x00", b"\x86\xdd") else None
    if kind == SLL2 and len(data) >= 20:
        return _ip(data[20:]) if data[0:2] in (b"\x08\x00", b"\x86\xdd") else None
    if kind in (RAW, RAW_ALT, IPV4, IPV6):
        return _ip(data)
    if kind in (NULL, LOOP) and len(data) >= 4:
        return _ip(data[4:])
    return None


def _ip(data: bytes) -> tuple[bytes, bytes, int, bytes] | None:
    if not data:
        return None
    version = data[0] >> 4
    if version == 4 and len(data) >= 20:
        ihl = (data[0] & 0x0F) * 4
        total = struct.unpack_from("!H", data, 2)[0] or len(data)
        frag = struct.unpack_from("!H", data, 6)[0]
        if frag & 0x3FFF:  # a fragment (more-fragments flag or an offset)
            return None
        return data[12:16], data[16:20], data[9], data[ihl:total]
    if version == 6 and len(data) >= 40:
        length = struct.unpack_from("!H", data, 4)[0]
        proto, at, end = data[6], 40, 40 + length
        while proto in _V6_SKIP and len(data) >= at + 8:
            step = (data[at + 1] + 2) * 4 if proto == 51 else (data[at + 1] + 1) * 8
            proto, at = data[at], at + step
        if proto == 44:  # fragment header
            return None
        return data[8:24], data[24:40], proto, data[at:end]
    return None


class _Stream:
    """One direction of a TCP connection: bytes in sequence order, cut into messages."""

    def __init__(self) -> None:
        self.next_seq: int | None = None
        self.buffer = b""

    def feed(self, seq: int, payload: bytes, syn: bool = False) -> list[str]:
        if syn:
            self.next_seq, self.buffer = (seq + 1) & 0xFFFFFFFF, b""
            return []
        if not payload:
            return []
        if self.next_seq is None:
            self.next_seq = seq
        skip = (self.next_seq - seq) & 0xFFFFFFFF
        if skip > 0x7FFFFFFF:  # ahead of us: bytes were not captured; start again here
            self.buffer, skip = b"", 0
        elif skip >= len(payload):
            return []  # a retransmission
        self.buffer += payload[skip:]
        self.next_seq = (seq + len(payload)) & 0xFFFFFFFF
        return list(self._messages())

    def _messages(self) -> Iterator[str]:
        while True:
            self.buffer = self.buffer.lstrip(b"\r\n")  # keep-alives between messages
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end + 4]
            match = _LENGTH.search(head)
            size = end + 4 + (int(match.group(1)) if match else 0)
            if len(self.buffer) < size:
                return
            message, self.buffer = self.buffer[:size], self.buffer[size:]
            if _SIP_START.match(message):
                yield message.decode("utf-8", "replace")
