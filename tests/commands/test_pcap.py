"""The pcap writer produces what Wireshark expects from LINKTYPE_RAW."""

from __future__ import annotations

import io
import ipaddress
import struct

from tuiphone.commands.trace.pcap import LINKTYPE_RAW, packet, parse_peer, write_pcap
from tuiphone.model.trace import TraceEntry

INVITE = "INVITE sip:bob@10.0.0.2 SIP/2.0\r\nCall-ID: abc\r\n\r\n"


def records(data: bytes) -> list[tuple[float, bytes]]:
    magic, major, minor, _tz, _sig, snap, link = struct.unpack("<IHHiIII", data[:24])
    assert (magic, major, minor, snap, link) == (0xA1B2C3D4, 2, 4, 65535, LINKTYPE_RAW)
    out, pos = [], 24
    while pos < len(data):
        secs, usecs, caplen, length = struct.unpack("<IIII", data[pos:pos + 16])
        assert caplen == length
        out.append((secs + usecs / 1e6, data[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return out


def ones_complement_ok(header: bytes) -> bool:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


def test_ipv4_tx_and_rx_records():
    entries = [TraceEntry(100.25, "tx", "UDP", "10.0.0.2:5080", INVITE),
               TraceEntry(100.5, "rx", "UDP", "10.0.0.2:5080", "SIP/2.0 200 OK\r\n\r\n")]
    buf = io.BytesIO()
    assert write_pcap(buf, entries) == 2
    (t1, tx), (t2, rx) = records(buf.getvalue())
    assert (t1, t2) == (100.25, 100.5)
    assert tx[0] >> 4 == 4
    assert ones_complement_ok(tx[:20])
    assert struct.unpack("!H", tx[2:4])[0] == len(tx)
    assert ipaddress.ip_address(tx[16:20]) == ipaddress.ip_address("10.0.0.2")
    assert struct.unpack("!HH", tx[20:24]) == (5060, 5080)
    assert struct.unpack("!HH", rx[20:24]) == (5080, 5060)
    assert tx[28:].decode() == INVITE


def test_ipv6_peer():
    pkt = packet(TraceEntry(1.0, "rx", "UDP", "[2001:db8::1]:5060", INVITE))
    assert pkt[0] >> 4 == 6
    assert struct.unpack("!H", pkt[4:6])[0] == len(pkt) - 40
    assert ipaddress.ip_address(pkt[8:24]) == ipaddress.ip_address("2001:db8::1")
    assert pkt[48:].decode() == INVITE


def test_unparsable_peer_still_writes_a_packet():
    assert parse_peer("somewhere") == (ipaddress.ip_address("0.0.0.0"), 0)
    assert packet(TraceEntry(1.0, "tx", "TLS", "somewhere", "x")).endswith(b"x")
