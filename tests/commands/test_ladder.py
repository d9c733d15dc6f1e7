"""trace --ladder: the pane's ladder in text, Markdown, SVG and JSON, from the engine's
trace or from a capture in any of the link layers tshark and tcpdump write."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET

import pytest

from tuiphone.commands.trace import ladder_out, packet_sip, pcapread
from tuiphone.commands.trace.ladder import arrow, group_dialogs, header, pick
from tuiphone.commands.trace.ladder_cmd import as_seen_from, from_pcap
from tuiphone.commands.trace.packets import Packets
from tuiphone.commands.trace.pcap import write_pcap
from tuiphone.model.trace import TraceEntry

DIGEST = 'Digest username="alice", realm="lab", nonce="abc", response="0123456789abcdef"'


def msg(first: str, call_id: str = "c1@lab", *extra: str, body: str = "") -> str:
    via = "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1"
    lines = [first, via, f"Call-ID: {call_id}", "CSeq: 1 INVITE", *extra,
             f"Content-Length: {len(body.encode())}", "", body]
    return "\r\n".join(lines)


TRACE = [
    TraceEntry(100.0, "tx", "UDP", "127.0.0.1:5070", msg("INVITE sip:bob@lab SIP/2.0")),
    TraceEntry(100.001, "rx", "UDP", "127.0.0.1:5070",
               msg("SIP/2.0 407 Proxy Authentication Required")),
    TraceEntry(100.002, "tx", "UDP", "127.0.0.1:5070", msg("ACK sip:bob@lab SIP/2.0")),
    TraceEntry(100.003, "tx", "UDP", "127.0.0.1:5070",
               msg("INVITE sip:bob@lab SIP/2.0", "c1@lab", f"Proxy-Authorization: {DIGEST}",
                   body="v=0\r\n")),
    TraceEntry(100.2, "rx", "UDP", "127.0.0.1:5070", msg("SIP/2.0 200 OK")),
    TraceEntry(101.0, "tx", "UDP", "127.0.0.1:5070", msg("OPTIONS sip:k@lab SIP/2.0", "o1")),
]


def rungs(entries: list[TraceEntry], call_id: str | None = None) -> list[tuple[str, str, str]]:
    dialog = pick(group_dialogs(entries), call_id)
    assert dialog is not None
    return [(r["direction"], r["label"], r["peer"]) for r in ladder_out.as_data(dialog)["rungs"]]


def test_pick_defaults_to_the_last_call_not_the_last_dialog() -> None:
    dialog = pick(group_dialogs(TRACE), None)
    assert dialog is not None
    assert dialog.call_id == "c1@lab"
    assert pick(group_dialogs(TRACE), "o") is not None
    assert pick(group_dialogs(TRACE), "nope") is None


def test_text_is_the_panes_ladder_then_the_messages_redacted() -> None:
    dialog = pick(group_dialogs(TRACE), "c1@lab")
    assert dialog is not None
    text = ladder_out.as_text(dialog)
    width = ladder_out.WIDTH
    assert header(dialog, width) in text
    for entry in dialog.entries:
        assert arrow(entry, 100.0, width) in text  # the very rungs the pane draws
    assert "407 Proxy Authentication Required" in text
    assert "0123456789abcdef" not in text
    assert "nonce" not in text
    assert "Proxy-Authorization: [redacted]" in text


@pytest.mark.parametrize("fmt", ["markdown", "svg"])
def test_every_format_redacts(fmt: str) -> None:
    dialog = pick(group_dialogs(TRACE), None)
    assert dialog is not None
    out = ladder_out.RENDER[fmt](dialog)
    assert "0123456789abcdef" not in out
    assert "[redacted]" in out
    assert "200 OK" in out
    data = ladder_out.as_data(dialog)
    assert all("0123456789abcdef" not in r["text"] for r in data["rungs"])


def test_svg_is_well_formed_with_one_arrow_per_message() -> None:
    dialog = pick(group_dialogs(TRACE), None)
    assert dialog is not None
    root = ET.fromstring(ladder_out.as_svg(dialog))
    arrows = [e for e in root.iter("{http://www.w3.org/2000/svg}line")
              if e.get("marker-end")]
    assert len(arrows) == len(dialog.entries)
    # tx runs left to right, rx right to left
    assert float(arrows[0].get("x1", 0)) < float(arrows[0].get("x2", 0))
    assert float(arrows[1].get("x1", 0)) > float(arrows[1].get("x2", 0))


def test_our_own_pcap_reads_back_to_the_same_ladder(tmp_path) -> None:
    path = tmp_path / "ours.pcapng"
    with path.open("wb") as f:
        write_pcap(f, TRACE)
    back = from_pcap(str(path), None, None)
    assert rungs(back) == rungs(TRACE)
    assert rungs(back, "o1") == rungs(TRACE, "o1")


def _raw_packets() -> list[tuple[float, bytes]]:
    builder = Packets()
    return [(e.timestamp, builder.build(e).data) for e in TRACE]


def _classic(linktype: int, wrap, order: str = "<", nanos: bool = False) -> bytes:
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for ts, data in _raw_packets():
        frame = wrap(data)
        frac = round((ts % 1) * (1e9 if nanos else 1e6))
        out += struct.pack(order + "IIII", int(ts), frac, len(frame), len(frame)) + frame
    return out


def _ethertype(data: bytes) -> bytes:
    return b"\x86\xdd" if data[0] >> 4 == 6 else b"\x08\x00"


WRAPS = {
    "ethernet": (1, lambda d: b"\0" * 12 + _ethertype(d) + d),
    "vlan": (1, lambda d: b"\0" * 12 + b"\x81\x00\x00\x07" + _ethertype(d) + d),
    "sll": (113, lambda d: b"\0\0\x03\x04\0\x06" + b"\0" * 8 + _ethertype(d) + d),
    "sll2": (276, lambda d: _ethertype(d) + b"\0" * 18 + d),
    "raw": (101, lambda d: d),
    "bsd-loopback": (0, lambda d: b"\x02\0\0\0" + d),
}


@pytest.mark.parametrize("name", sorted(WRAPS))
@pytest.mark.parametrize(("order", "nanos"), [("<", False), (">", True)])
def test_classic_pcap_in_each_link_layer(tmp_path, name: str, order: str, nanos: bool) -> None:
    linktype, wrap = WRAPS[name]
    path = tmp_path / "cap.pcap"
    path.write_bytes(_classic(linktype, wrap, order, nanos))
    back = from_pcap(str(path), None, None)
    assert rungs(back) == rungs(TRACE)
    assert abs(back[-2].timestamp - 100.2) < 1e-5


def test_ipv6_and_tcp_split_and_joined_by_content_length() -> None:
    entries = [TraceEntry(e.timestamp, e.direction, "TCP", "[2001:db8::1]:5060", e.text)
               for e in TRACE]
    builder = Packets()
    built = [builder.build(e).data for e in entries]
    # a stream cut at odd places: two messages in one segment, one message over two
    frames = [pcapread.Frame(e.timestamp, 101, data)
              for e, data in zip(entries, built, strict=True)]
    got = as_seen_from(list(packet_sip.sip_packets(_rechunk(frames))), None)
    for direction in ("tx", "rx"):
        assert [(e.first_line, e.peer, e.text) for e in got if e.direction == direction] == \
            [(e.first_line, e.peer, e.text) for e in entries if e.direction == direction]
    assert {e.transport for e in got} == {"TCP"}


def _rechunk(frames: list[pcapread.Frame]) -> list[pcapread.Frame]:
    """The tx direction's TCP payloads joined and re-cut into 3 segments (plus a
    retransmission of the first); the rx direction as it was."""
    tx = [f for f in frames if _is_tx(f.data)]
    rx = [f for f in frames if not _is_tx(f.data)]
    head = tx[0].data[:40 + 20]
    payload = b"".join(f.data[60:] for f in tx)
    seq0 = struct.unpack_from("!I", head, 44)[0]
    cuts = [0, 10, len(payload) // 2, len(payload)]
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        seg = bytearray(head)
        struct.pack_into("!I", seg, 44, seq0 + a)
        struct.pack_into("!H", seg, 4, 20 + b - a)
        out.append(pcapread.Frame(tx[0].timestamp, 101, bytes(seg) + payload[a:b]))
    out.insert(2, out[0])  # a retransmission
    return sorted(out + rx, key=lambda f: f.timestamp)


def _is_tx(data: bytes) -> bool:
    return data[24:40] == bytes.fromhex("20010db8" + "0" * 23 + "1")  # to the peer


def test_not_a_capture_is_one_clear_error(tmp_path) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(b"hello world, no capture")
    with pytest.raises(pcapread.PcapError, match="not a pcap"):
        from_pcap(str(path), None, None)
    with pytest.raises(pcapread.PcapError):
        list(pcapread.frames(io.BytesIO(b"")))


def test_a_local_address_picks_the_perspective() -> None:
    packets = [packet_sip.SipPacket(1.0, "UDP", "10.0.0.1:5060", "10.0.0.2:5060",
                                    msg("INVITE sip:b SIP/2.0")),
               packet_sip.SipPacket(1.1, "UDP", "10.0.0.2:5060", "10.0.0.3:5060",
                                    msg("INVITE sip:b SIP/2.0")),
               packet_sip.SipPacket(1.2, "UDP", "10.0.0.3:5060", "10.0.0.2:5060",
                                    msg("SIP/2.0 200 OK"))]
    seen = as_seen_from(packets, "10.0.0.3:5060")
    assert [(e.direction, e.peer) for e in seen] == [("rx", "10.0.0.2:5060"),
                                                     ("tx", "10.0.0.2:5060")]
    assert len(as_seen_from(packets, None)) == 1  # the first sender sees one hop


def test_redaction_takes_folded_lines_and_any_case() -> None:
    text = ("REGISTER sip:lab SIP/2.0\r\nauthorization: Digest username=\"a\",\r\n"
            " response=\"feedface\"\r\nCSeq: 2 REGISTER\r\n\r\n")
    out = ladder_out.redact(text)
    assert "feedface" not in out
    assert "username" not in out
    assert "authorization: [redacted]\r\nCSeq: 2 REGISTER" in out
