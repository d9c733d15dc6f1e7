"""RTP headers of our calls, tapped at pjmedia's media transport (``[engine] rtp_headers``).

pjsua2 hands Python no RTP packet, so ``trace --pcap --rtp`` could not show any. With
the setting on, each call's media transport (UDP or ICE; SRTP sits on top of it, so its
packets pass here encrypted, headers in clear) gets a copy of its pjmedia operation table
whose ``send_rtp`` and ``attach2`` (and, through it, the receive callbacks) run through
this module first: the RTP header (12 bytes, the CSRCs and any extension header) of every
packet sent and received is kept, never the payload (the audio), in one bounded ring.

The layouts are pjmedia 2.15's (``pjmedia/transport.h``: ``pjmedia_transport``,
``pjmedia_transport_op`` with ``attach2`` last, ``pjmedia_transport_attach_param``,
``pjmedia_tp_cb_param``) for the pinned wheel; ``patch`` first checks that a table looks
like one (every entry that must be set points into pjsua's own code) and otherwise leaves
the transport alone, so a wheel with another layout loses the tap, not the call.

The callbacks run on pjmedia's threads (ctypes takes the GIL for them): they only copy
bytes into a ``deque``. Nothing here runs with the setting off.
"""

from __future__ import annotations

import ctypes
import logging
import socket
import struct
import threading
import time
from collections import deque
from typing import Any

from tuiphone.model.rtp import RtpPacket

log = logging.getLogger(__name__)

_OPS = ("get_info", "attach", "detach", "send_rtp", "send_rtcp", "send_rtcp2",
        "media_create", "encode_sdp", "media_start", "media_stop", "simulate_lost",
        "destroy", "attach2")
_MUST = ("get_info", "detach", "send_rtp", "send_rtcp", "destroy", "attach2")
MAX_HEADER = 72  # 12 + 15 CSRCs would be 72; longer extension headers are cut here


class _Op(ctypes.Structure):
    _fields_ = [(name, ctypes.c_void_p) for name in _OPS]


class _Transport(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 32), ("type", ctypes.c_int),
                ("op", ctypes.POINTER(_Op)), ("user_data", ctypes.c_void_p),
                ("grp_lock", ctypes.c_void_p)]


class _SockAddr(ctypes.Structure):  # pj_sockaddr: a union whose largest member is 28 bytes
    _fields_ = [("family", ctypes.c_uint16), ("port", ctypes.c_uint16),
                ("v4", ctypes.c_uint8 * 4), ("rest", ctypes.c_uint8 * 20)]


class _AttachParam(ctypes.Structure):
    _fields_ = [("stream", ctypes.c_void_p), ("media_type", ctypes.c_int),
                ("rem_addr", _SockAddr), ("rem_rtcp", _SockAddr),
                ("addr_len", ctypes.c_uint), ("user_data", ctypes.c_void_p),
                ("rtp_cb", ctypes.c_void_p), ("rtcp_cb", ctypes.c_void_p),
                ("rtp_cb2", ctypes.c_void_p)]


class _CbParam(ctypes.Structure):
    _fields_ = [("user_data", ctypes.c_void_p), ("pkt", ctypes.c_void_p),
                ("size", ctypes.c_ssize_t), ("src_addr", ctypes.POINTER(_SockAddr)),
                ("rem_switch", ctypes.c_int)]


_SEND = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
_ATTACH2 = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_AttachParam))
_DESTROY = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
_RX1 = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ssize_t)
_RX2 = ctypes.CFUNCTYPE(None, ctypes.POINTER(_CbParam))
_IPV4 = socket.AF_INET


def header_length(head: bytes) -> int:
    """How many leading bytes of an RTP packet are header (0: not RTP version 2)."""
    if len(head) < 12 or head[0] >> 6 != 2:
        return 0
    length = 12 + 4 * (head[0] & 0x0F)
    if head[0] & 0x10 and len(head) >= length + 4:  # X: a 4-byte extension header + words
        length += 4 + 4 * struct.unpack_from("!H", head, length + 2)[0]
    return min(length, len(head), MAX_HEADER)


def _address(addr: _SockAddr) -> str:
    if addr.family != _IPV4:
        return ""  # the wheel's media is IPv4 only (PJ_HAS_IPV6=0)
    return f"{'.'.join(map(str, addr.v4))}:{socket.ntohs(addr.port)}"


def _code_ranges() -> list[tuple[int, int]]:
    """Executable mappings of pjsua2's shared objects (where its functions live)."""
    ranges = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and "x" in parts[1] and ("pjsua" in parts[5]
                                                             or "_pjsua2" in parts[5]):
                    low, high = (int(v, 16) for v in parts[0].split("-"))
                    ranges.append((low, high))
    except OSError:
        pass
    return ranges


class _Leg:
    """One patched transport: its call, its addresses, what it replaced."""

    __slots__ = ("call", "local", "remote", "user_data")

    def __init__(self, call: str) -> None:
        self.call, self.local, self.remote = call, "", ""
        self.user_data: int | None = None


class RtpTap:
    """Keeps the last ``size`` RTP headers of every tapped call."""

    def __init__(self, size: int) -> None:
        self.ring: deque[RtpPacket] = deque(maxlen=size)
        self._legs: dict[int, _Leg] = {}  # transport address -> leg
        # the attacher's user_data -> (transport, its rtp_cb, its rtp_cb2): what a packet
        # received for it is handed on to, kept until the transport is destroyed
        self._by_user: dict[int, tuple[int, int, int]] = {}
        self._tables: dict[int, tuple[_Op, _Op]] = {}  # original table -> (original, ours)
        self._lock = threading.Lock()
        self._code = _code_ranges()
        self._keep = (_SEND(self._send), _ATTACH2(self._attach2), _DESTROY(self._destroy),
                      _RX1(self._rx1), _RX2(self._rx2))
        self._send_fn, self._attach_fn, self._destroy_fn, self._rx1_fn, self._rx2_fn = (
            ctypes.cast(f, ctypes.c_void_p).value for f in self._keep)

    def packets(self) -> list[RtpPacket]:
        return list(self.ring.copy())

    def patch(self, transport: int, call: str) -> bool:
        """Route ``transport``'s RTP through the tap for ``call``; False when its table
        does not look like pjmedia 2.15's (then it stays as it was)."""
        if not transport:
            return False
        tp = _Transport.from_address(transport)
        table = ctypes.cast(tp.op, ctypes.c_void_p).value or 0
        with self._lock:
            self._legs[transport] = _Leg(call)
            if any(ours is not None and ctypes.addressof(ours) == table
                   for _, ours in self._tables.values()):
                return True  # already ours (a transport reused for a new call)
            pair = self._tables.get(table) or self._wrap(table)
            if pair is None:
                self._legs.pop(transport, None)
                return False
            tp.op = ctypes.pointer(pair[1])
        return True

    def _wrap(self, table: int) -> tuple[_Op, _Op] | None:
        original = _Op.from_address(table)
        if not self._plausible(original):
            log.warning("RTP tap: this pjsua2 build's media transport does not look like "
                        "pjmedia 2.15's; RTP headers are not recorded")
            return None
        ours = _Op()
        ctypes.memmove(ctypes.addressof(ours), table, ctypes.sizeof(_Op))
        ours.send_rtp, ours.attach2, ours.destroy = (
            self._send_fn, self._attach_fn, self._destroy_fn)
        self._tables[table] = (original, ours)
        return self._tables[table]

    def _plausible(self, table: _Op) -> bool:
        if not self._code:
            return False
        return all(any(low <= (getattr(table, name) or 0) < high for low, high in self._code)
                   for name in _MUST)

    def _original(self, transport: int) -> _Op | None:
        tp = _Transport.from_address(transport)
        table = ctypes.cast(tp.op, ctypes.c_void_p).value
        for original, ours in self._tables.values():
            if ctypes.addressof(ours) == table:
                return original
        return None

    def _keep_header(self, leg: _Leg | None, direction: str, pkt: int, size: int,
                     src: str = "") -> None:
        if leg is None or size < 12 or not pkt:
            return
        head = ctypes.string_at(pkt, min(size, MAX_HEADER))
        length = header_length(head)
        if not length:
            return
        local, remote = leg.local, src or leg.remote
        self.ring.append(RtpPacket(
            timestamp=time.time(), call_id=leg.call, direction=direction,
            src=remote if direction == "rx" else local,
            dst=local if direction == "rx" else remote,
            header=head[:length], size=size))

    # -- pjmedia calls these, on its own threads ------------------------------------------

    def _send(self, transport: int, pkt: int, size: int) -> int:
        original = self._original(transport)
        if original is None:
            return -1
        try:
            self._keep_header(self._legs.get(transport), "tx", pkt, size)
        except Exception:  # a failure here must never stop the audio
            log.exception("RTP tap")
        return int(_SEND(original.send_rtp)(transport, pkt, size))

    def _attach2(self, transport: int, param: Any) -> int:
        original = self._original(transport)
        if original is None:
            return -1
        att = param.contents
        leg = self._legs.get(transport)
        if leg is not None and att.user_data and (att.rtp_cb or att.rtp_cb2):
            leg.user_data = int(att.user_data)
            leg.remote = _address(att.rem_addr)
            leg.local = self._local(original, transport)
            self._by_user[leg.user_data] = (transport, att.rtp_cb or 0, att.rtp_cb2 or 0)
            if att.rtp_cb2:
                att.rtp_cb2 = self._rx2_fn
            if att.rtp_cb:
                att.rtp_cb = self._rx1_fn
        return int(_ATTACH2(original.attach2)(transport, param))

    def _destroy(self, transport: int) -> int:
        original = self._original(transport)
        self._legs.pop(transport, None)
        for user, (tp, _, _) in list(self._by_user.items()):
            if tp == transport:
                del self._by_user[user]
        if original is None:
            return -1
        return int(_DESTROY(original.destroy)(transport))

    def _rx2(self, param: Any) -> None:
        cb = param.contents
        found = self._by_user.get(cb.user_data or 0)
        if found is None or not found[2]:
            return  # not reached: our callback is only ever set next to its original
        try:
            src = _address(cb.src_addr.contents) if cb.src_addr else ""
            self._keep_header(self._legs.get(found[0]), "rx", cb.pkt or 0, int(cb.size), src)
        except Exception:
            log.exception("RTP tap")
        _RX2(found[2])(param)

    def _rx1(self, user_data: int, pkt: int, size: int) -> None:
        found = self._by_user.get(user_data or 0)
        if found is None or not found[1]:
            return
        try:
            self._keep_header(self._legs.get(found[0]), "rx", pkt or 0, int(size))
        except Exception:
            log.exception("RTP tap")
        _RX1(found[1])(user_data, pkt, size)

    @staticmethod
    def _local(original: _Op, transport: int) -> str:
        """Our RTP address, from the transport's own get_info (sock_info.rtp_addr_name:
        after the 8-byte rtp_sock)."""
        info = ctypes.create_string_buffer(16384)  # > sizeof(pjmedia_transport_info)
        ctypes.memset(info, 0, len(info))
        get_info = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
            original.get_info)
        if get_info(transport, ctypes.addressof(info)) != 0:
            return ""
        return _address(_SockAddr.from_buffer(info, 8))
