"""Rebuild the IP packet of a traced SIP message (stdlib only).

pjsua2 hands us each message's text, transport and peer, not the packet, so the headers
are rebuilt:

* Our address and port: the top Via of a request we sent or a response we got (the
  sent-by we put there); for a request we got or a response we sent, the address last
  seen with that peer over that transport. ``127.0.0.1:5060`` (``::1``) only when no
  message said.
* UDP messages are UDP datagrams; TCP and TLS messages are TCP segments whose sequence
  and acknowledgement numbers follow each connection (no handshake is invented). A TLS
  message is its decrypted text: ``Packets.build`` says so, for the capture's comment.
* Checksums are computed, so Wireshark shows no errors.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

from tuiphone.model.rtp import RtpPacket
from tuiphone.model.trace import TraceEntry

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Endpoint = tuple[Address, int]
FALLBACK_V4: Endpoint = (ipaddress.IPv4Address("127.0.0.1"), 5060)
FALLBACK_V6: Endpoint = (ipaddress.IPv6Address("::1"), 5060)
TLS_COMMENT = "TLS: the decrypted SIP message, shown as TCP"
_PSH_ACK = 0x18


def parse_peer(peer: str) -> Endpoint:
    """'1.2.3.4:5060' or '[::1]:5060' -> (address, port); unparsable peers map to 0.0.0.0:0."""
    host, _, port = peer.rpartition(":")
    try:
        return ipaddress.ip_address(host.strip("[]")), int(port)
    except ValueError:
        return ipaddress.IPv4Address("0.0.0.0"), 0


def top_via(text: str, transport: str) -> Endpoint | None:
    """The sent-by of the message's first Via, when it is an IP literal."""
    for line in text.split("\n")[1:]:
        name, colon, value = line.partition(":")
        if not line.strip():
            return None  # end of the headers
        if colon and name.strip().lower() in ("via", "v"):
            sent_by = value.strip().split(None, 1)[-1].split(";", 1)[0].split(",", 1)[0]
            default = 5061 if transport == "TLS" else 5060
            if sent_by.startswith("["):
                host, _, rest = sent_by[1:].partition("]")
                port = rest.lstrip(":")
            else:
                host, _, port = sent_by.partition(":")
            try:
                return ipaddress.ip_address(host.strip()), int(port or default)
            except ValueError:
                return None
    return None


@dataclass(frozen=True, slots=True)
class Built:
    data: bytes  # a raw IPv4 or IPv6 packet (cut short when ``length`` is larger)
    comment: str = ""
    length: int = 0  # the whole packet's length on the wire; 0: len(data)


def rtp_packet(packet: RtpPacket) -> Built:
    """A UDP datagram holding an RTP header, cut after the header as a capture with a
    short snap length would be: the IP and UDP lengths are the real ones, the UDP
    checksum is 0 (it cannot be computed without the payload; 0 means none over IPv4)."""
    src, dst = parse_peer(packet.src), parse_peer(packet.dst)
    udp_len = 8 + packet.size
    datagram = struct.pack("!HHHH", src[1], dst[1], udp_len, 0) + packet.header
    whole = (40 if dst[0].version == 6 else 20) + udp_len
    return Built(_ip(src[0], dst[0], 17, datagram, length=udp_len), length=whole)


class Packets:
    """Builds packets in trace order, remembering our address per peer and each TCP
    connection's sequence numbers."""

    def __init__(self) -> None:
        self._local: dict[tuple[str, str], Endpoint] = {}
        self._seq: dict[tuple[Endpoint, Endpoint], int] = {}

    def local(self, entry: TraceEntry, peer: Endpoint) -> Endpoint:
        ours = entry.direction == "tx" if not entry.text.startswith("SIP/") else (
            entry.direction == "rx")
        key = (entry.transport, entry.peer)
        via = top_via(entry.text, entry.transport) if ours else None
        if via is not None and via[0].version == peer[0].version:
            self._local[key] = via
            return via
        fallback = FALLBACK_V6 if peer[0].version == 6 else FALLBACK_V4
        return self._local.get(key, fallback)

    def build(self, entry: TraceEntry) -> Built:
        peer = parse_peer(entry.peer)
        local = self.local(entry, peer)
        src, dst = (peer, local) if entry.direction == "rx" else (local, peer)
        payload = entry.text.encode("utf-8", "replace")
        if entry.transport in ("TCP", "TLS"):
            segment = self._tcp(src, dst, payload)
            comment = TLS_COMMENT if entry.transport == "TLS" else ""
            return Built(_ip(src[0], dst[0], 6, segment), comment)
        return Built(_ip(src[0], dst[0], 17, _udp(src, dst, payload)))

    def _tcp(self, src: Endpoint, dst: Endpoint, payload: bytes) -> bytes:
        seq = self._seq.get((src, dst), 1)
        ack = self._seq.get((dst, src), 1)
        self._seq[(src, dst)] = (seq + len(payload)) & 0xFFFFFFFF
        head = struct.pack("!HHIIBBHHH", src[1], dst[1], seq, ack, 5 << 4, _PSH_ACK,
                           65535, 0, 0)
        total = head + payload
        check = _checksum(_pseudo(src[0], dst[0], 6, len(total)) + total)
        return total[:16] + struct.pack("!H", check) + total[18:]


def _udp(src: Endpoint, dst: Endpoint, payload: bytes) -> bytes:
    datagram = struct.pack("!HHHH", src[1], dst[1], 8 + len(payload), 0) + payload
    check = _checksum(_pseudo(src[0], dst[0], 17, len(datagram)) + datagram) or 0xFFFF
    return datagram[:6] + struct.pack("!H", check) + datagram[8:]


def _pseudo(src: Address, dst: Address, proto: int, length: int) -> bytes:
    if src.version == 6:
        return src.packed + dst.packed + struct.pack("!I3xB", length, proto)
    return src.packed + dst.packed + struct.pack("!xBH", proto, length)


def _ip(src: Address, dst: Address, proto: int, body: bytes, length: int = 0) -> bytes:
    """An IP packet around ``body``; ``length`` is the payload's length when ``body`` is
    cut short (an RTP packet without its audio)."""
    length = length or len(body)
    if src.version != dst.version:  # an unparsable peer next to a real address
        src = FALLBACK_V6[0] if dst.version == 6 else FALLBACK_V4[0]
    if dst.version == 6:
        return struct.pack("!IHBB", 6 << 28, length, proto, 64) + src.packed + dst.packed + body
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0, 64, proto, 0,
                       src.packed, dst.packed)
    return head[:10] + struct.pack("!H", _checksum(head)) + head[12:] + body


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return int(~total & 0xFFFF)
