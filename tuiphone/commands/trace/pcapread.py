"""Read the packets of a pcap or pcapng file (stdlib only): time, link type, bytes.

Classic pcap in either byte order with micro- or nanosecond stamps; pcapng with any
number of sections and interfaces (each with its own link type and ``if_tsresol``).
Raises PcapError for a file that is neither, or is cut short in a header.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tuiphone.model.errors import UsageError

_PCAP_MAGIC = {0xA1B2C3D4: 1e-6, 0xA1B23C4D: 1e-9}
_SHB, _IDB, _SPB, _EPB, _OLD_PB = 0x0A0D0D0A, 1, 3, 6, 2
_TSRESOL = 9


class PcapError(UsageError):
    """Not a capture file, or a damaged one (exit 2)."""


@dataclass(frozen=True, slots=True)
class Frame:
    timestamp: float
    linktype: int
    data: bytes


def frames(f: BinaryIO) -> Iterator[Frame]:
    head = f.read(4)
    if len(head) < 4:
        raise PcapError("not a pcap or pcapng file (too short)")
    if struct.unpack("<I", head)[0] == _SHB:
        yield from _pcapng(f, head)
        return
    for order in "<>":
        magic = struct.unpack(order + "I", head)[0]
        if magic in _PCAP_MAGIC:
            yield from _pcap(f, order, _PCAP_MAGIC[magic])
            return
    raise PcapError("not a pcap or pcapng file (unknown magic number)")


def _read(f: BinaryIO, size: int) -> bytes | None:
    data = f.read(size)
    return data if len(data) == size else None  # a capture cut short ends it


def _pcap(f: BinaryIO, order: str, unit: float) -> Iterator[Frame]:
    rest = _read(f, 20)
    if rest is None:
        raise PcapError("pcap file header cut short")
    linktype = struct.unpack(order + "HHiIII", rest)[5] & 0x0FFFFFFF
    while (rec := _read(f, 16)) is not None:
        sec, frac, incl, _ = struct.unpack(order + "IIII", rec)
        data = _read(f, incl)
        if data is None:
            return
        yield Frame(sec + frac * unit, linktype, data)


def _pcapng(f: BinaryIO, first: bytes) -> Iterator[Frame]:
    order = "<"
    links: list[tuple[int, float]] = []
    kind_bytes = first
    while True:
        length_bytes = _read(f, 4)
        if length_bytes is None:
            return
        if struct.unpack("<I", kind_bytes)[0] == _SHB:
            order = _section_order(f)
            links = []
            length = struct.unpack(order + "I", length_bytes)[0]
            body = _read(f, length - 16)  # after type, length and byte-order magic
        else:
            length = struct.unpack(order + "I", length_bytes)[0]
            body = _read(f, length - 12) if length >= 12 else None
        if body is None or _read(f, 4) is None:
            return
        kind = struct.unpack(order + "I", kind_bytes)[0]
        frame = _block(kind, body, order, links)
        if frame is not None:
            yield frame
        nxt = _read(f, 4)
        if nxt is None:
            return
        kind_bytes = nxt


def _section_order(f: BinaryIO) -> str:
    magic = _read(f, 4)
    if magic is None:
        raise PcapError("pcapng section header cut short")
    return "<" if struct.unpack("<I", magic)[0] == 0x1A2B3C4D else ">"


def _block(kind: int, body: bytes, order: str, links: list[tuple[int, float]]
           ) -> Frame | None:
    if kind == _IDB:
        links.append((struct.unpack_from(order + "H", body)[0],
                      _tsresol(body[8:], order)))
    elif kind == _EPB and len(body) >= 20:
        iface, high, low, incl, _ = struct.unpack_from(order + "IIIII", body)
        if iface < len(links):
            linktype, unit = links[iface]
            return Frame(((high << 32) | low) * unit, linktype, body[20:20 + incl])
    elif kind == _SPB and links and len(body) >= 4:
        return Frame(0.0, links[0][0], body[4:])
    elif kind == _OLD_PB and len(body) >= 20:
        iface, _, high, low, incl, _ = struct.unpack_from(order + "HHIIII", body)
        if iface < len(links):
            linktype, unit = links[iface]
            return Frame(((high << 32) | low) * unit, linktype, body[20:20 + incl])
    return None


def _tsresol(options: bytes, order: str) -> float:
    """The interface's time unit: microseconds unless ``if_tsresol`` says otherwise."""
    at = 0
    while at + 4 <= len(options):
        code, size = struct.unpack_from(order + "HH", options, at)
        if code == 0:
            break
        if code == _TSRESOL and size >= 1:
            value = options[at + 4]
            return float(2 ** -(value & 0x7F) if value & 0x80 else 10 ** -value)
        at += 4 + size + (-size % 4)
    return 1e-6
