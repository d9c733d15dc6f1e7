"""The capture writer: pcapng with real addresses from the messages, TCP and TLS as TCP
segments (TLS marked decrypted), checksums right; tshark reads every packet as SIP."""

from __future__ import annotations

import io
import ipaddress
import os
import struct
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need_binary
from tuiphone.commands.trace.packets import TLS_COMMENT, parse_peer, top_via
from tuiphone.commands.trace.pcap import LINKTYPE_RAW, write_pcap
from tuiphone.model.rtp import RtpPacket
from tuiphone.model.trace import TraceEntry
from tuiphone.sip.rtp_tap import header_length

HEADERS = ("From: <sip:alice@198.18.0.1>;tag=1\r\nTo: <sip:bob@198.18.0.2>\r\n"
           "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")


def invite(via: str, transport: str = "UDP") -> str:
    return (f"INVITE sip:bob@198.18.0.2 SIP/2.0\r\nVia: SIP/2.0/{transport} {via};branch=z9hG4"
            f"bK1\r\n{HEADERS}")


def ok(via: str, transport: str = "UDP") -> str:
    return f"SIP/2.0 200 OK\r\nVia: SIP/2.0/{transport} {via};branch=z9hG4bK1\r\n{HEADERS}"


CALL = [
    TraceEntry(100.25, "tx", "UDP", "198.18.0.2:5080", invite("198.18.0.1:40000")),
    TraceEntry(100.5, "rx", "UDP", "198.18.0.2:5080", ok("198.18.0.1:40000")),
    TraceEntry(101.0, "rx", "UDP", "198.18.0.2:5080",  # a request from them: no Via of ours
               invite("198.18.0.2:5080").replace("INVITE sip:bob", "BYE sip:alice")),
    TraceEntry(102.0, "tx", "TCP", "198.18.0.2:5060", invite("198.18.0.1:40001", "TCP")),
    TraceEntry(102.1, "rx", "TCP", "198.18.0.2:5060", ok("198.18.0.1:40001", "TCP")),
    TraceEntry(102.2, "tx", "TCP", "198.18.0.2:5060", invite("198.18.0.1:40001", "TCP")),
    TraceEntry(103.0, "tx", "TLS", "198.18.0.2:5061", invite("198.18.0.1:40002", "TLS")),
    TraceEntry(104.0, "rx", "UDP", "[2001:db8::2]:5060", ok("[2001:db8::1]:40003")),
    TraceEntry(105.0, "rx", "UDP", "198.18.0.9:5060", invite("198.18.0.9:5060")),
]


def blocks(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(data):
        kind, length = struct.unpack("<II", data[pos:pos + 8])
        assert struct.unpack("<I", data[pos + length - 4:pos + length])[0] == length
        out.append((kind, data[pos + 8:pos + length - 4]))
        pos += length
    return out


def packets(entries: list[TraceEntry]) -> list[tuple[float, bytes, bytes]]:
    """(time, packet, options) of each enhanced packet block."""
    buf = io.BytesIO()
    assert write_pcap(buf, entries) == len(entries)
    (shb, shb_body), (idb, idb_body), *epbs = blocks(buf.getvalue())
    assert (shb, idb) == (0x0A0D0D0A, 1)
    assert struct.unpack("<IHH", shb_body[:8]) == (0x1A2B3C4D, 1, 0)
    assert struct.unpack("<H", idb_body[:2])[0] == LINKTYPE_RAW
    out = []
    for kind, body in epbs:
        assert kind == 6
        _iface, high, low, caplen, length = struct.unpack("<IIIII", body[:20])
        assert caplen == length
        padded = caplen + (-caplen % 4)
        out.append(((high << 32 | low) / 1e6, body[20:20 + caplen], body[20 + padded:]))
    return out


def v4_ends(pkt: bytes) -> tuple[str, int, str, int]:
    sport, dport = struct.unpack("!HH", pkt[20:24])
    return (str(ipaddress.ip_address(pkt[12:16])), sport, str(ipaddress.ip_address(pkt[16:20])),
            dport)


def test_addresses_come_from_the_messages() -> None:
    got = packets(CALL)
    assert [t for t, _, _ in got][:2] == [100.25, 100.5]
    assert v4_ends(got[0][1]) == ("198.18.0.1", 40000, "198.18.0.2", 5080)
    assert v4_ends(got[1][1]) == ("198.18.0.2", 5080, "198.18.0.1", 40000)
    assert v4_ends(got[2][1]) == ("198.18.0.2", 5080, "198.18.0.1", 40000)  # remembered
    assert v4_ends(got[8][1]) == ("198.18.0.9", 5060, "127.0.0.1", 5060)  # nothing said
    v6 = got[7][1]
    assert v6[0] >> 4 == 6
    assert ipaddress.ip_address(v6[24:40]) == ipaddress.ip_address("2001:db8::1")
    assert struct.unpack("!HH", v6[40:44]) == (5060, 40003)


def test_tcp_and_tls_are_tcp_segments_in_sequence_and_tls_is_marked() -> None:
    got = packets(CALL)
    (_, first, _), (_, answer, _), (_, second, _), (_, tls, comment) = got[3:7]
    for pkt in (first, answer, second, tls):
        assert pkt[9] == 6  # TCP
    seq = lambda p: struct.unpack("!II", p[24:32])  # noqa: E731
    size = lambda p: len(p) - 40  # noqa: E731
    assert seq(first) == (1, 1)
    assert seq(answer) == (1, 1 + size(first))
    assert seq(second) == (1 + size(first), 1 + size(answer))
    assert TLS_COMMENT.encode() in comment
    assert got[3][2] == b""  # plain TCP carries no comment
    assert tls[40:].decode().startswith("INVITE sip:bob@198.18.0.2 SIP/2.0")


def test_via_parsing() -> None:
    assert top_via(invite("[2001:db8::1]:5070"), "UDP") == (
        ipaddress.ip_address("2001:db8::1"), 5070)
    assert top_via(invite("198.18.0.1"), "TLS") == (ipaddress.ip_address("198.18.0.1"), 5061)
    assert top_via(invite("pbx.example.com:5060"), "UDP") is None  # not an address
    assert top_via("SIP/2.0 200 OK\r\n\r\nVia: x\r\n", "UDP") is None  # body, not header
    assert parse_peer("somewhere") == (ipaddress.ip_address("0.0.0.0"), 0)


def test_an_unparsable_peer_still_writes_a_packet() -> None:
    ((_, pkt, _),) = packets([TraceEntry(1.0, "tx", "TLS", "somewhere", "x")])
    assert pkt.endswith(b"x")


def test_tshark_reads_every_packet_as_sip_with_good_checksums(tmp_path: Path) -> None:
    tshark = need_binary("tshark")
    path = tmp_path / "t.pcapng"
    with path.open("wb") as out:
        write_pcap(out, CALL)
    done = subprocess.run(
        [tshark, "-r", str(path), "-o", "tcp.check_checksum:TRUE",
         "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields",
         "-e", "sip.CSeq.method", "-e", "udp.checksum.status", "-e", "tcp.checksum.status",
         "-e", "frame.comment"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert len(rows) == len(CALL)
    assert all(r[0] == "INVITE" for r in rows)  # every one dissected as SIP
    assert all("1" in (r[1], r[2]) for r in rows)  # 1: checksum good
    assert [r[3] for r in rows].count(TLS_COMMENT) == 1


@pytest.mark.parametrize("entry", [
    TraceEntry(1.0, "tx", "UDP", "198.18.0.2:5060", "x" * 3),  # odd length: padded
    TraceEntry(1.0, "tx", "TCP", "[2001:db8::2]:5060", "y" * 5),
])
def test_odd_payloads_are_padded(entry: TraceEntry) -> None:
    ((_, pkt, _),) = packets([entry])
    assert pkt.endswith(entry.text.encode())


def _rtp(seq: int, direction: str = "tx", head: bytes = b"") -> RtpPacket:
    header = head or struct.pack("!BBHII", 0x80, 8, seq, seq * 160, 0x1234ABCD)
    src, dst = ("198.18.0.1:4000", "198.18.0.2:30000")
    return RtpPacket(float(200 + seq), "c1", direction, src if direction == "tx" else dst,
                     dst if direction == "tx" else src, header, len(header) + 160)


def test_rtp_header_lengths() -> None:
    plain = struct.pack("!BBHII", 0x80, 0, 1, 2, 3)
    assert header_length(plain + b"x" * 160) == 12
    two_csrcs = bytes([0x82]) + plain[1:] + b"\0" * 8
    assert header_length(two_csrcs + b"x" * 10) == 20
    extension = bytes([0x90]) + plain[1:] + struct.pack("!HH", 0xBEDE, 1) + b"\0" * 4
    assert header_length(extension + b"x" * 10) == 20
    assert header_length(b"\x40" + plain[1:]) == 0  # version 1: not RTP
    assert header_length(plain[:11]) == 0


def test_rtp_headers_are_udp_packets_cut_after_the_header(tmp_path: Path) -> None:
    buf = io.BytesIO()
    assert write_pcap(buf, [CALL[0], _rtp(1), _rtp(2, "rx")]) == 3
    *_, (_, sip), (_, tx), (_, rx) = blocks(buf.getvalue())
    _iface, _high, _low, caplen, length = struct.unpack("<IIIII", tx[:20])
    assert (caplen, length) == (20 + 8 + 12, 20 + 8 + 12 + 160)
    pkt = tx[20:20 + caplen]
    assert struct.unpack("!H", pkt[2:4])[0] == length  # the IP length is the real one
    assert struct.unpack("!H", pkt[24:26])[0] == 8 + 12 + 160  # and so is UDP's
    assert v4_ends(pkt) == ("198.18.0.1", 4000, "198.18.0.2", 30000)
    assert v4_ends(rx[20:60]) == ("198.18.0.2", 30000, "198.18.0.1", 4000)
    path = tmp_path / "rtp.pcapng"
    path.write_bytes(buf.getvalue())
    done = subprocess.run(
        [need_binary("tshark"), "-r", str(path), "-d", "udp.port==4000,rtp",
         "-o", "ip.check_checksum:TRUE", "-Y", "rtp", "-T", "fields", "-e", "rtp.seq",
         "-e", "rtp.p_type", "-e", "rtp.ssrc", "-e", "ip.checksum.status"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert [line.split("\t") for line in done.stdout.splitlines()] == [
        ["1", "8", "0x1234abcd", "1"], ["2", "8", "0x1234abcd", "1"]]
