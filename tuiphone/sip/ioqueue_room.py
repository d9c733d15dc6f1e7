"""How many more sockets pjsip's ioqueue can take, read through ctypes.

RTP shares the SIP ioqueue (``medConfig.hasIoqueue = False``, for a quiet idle engine),
which has 64 keys (``PJ_IOQUEUE_MAX_HANDLES``); a call's media takes two (RTP, RTCP), and
a closed socket's key is free again only 500 ms later (``PJ_IOQUEUE_KEY_FREE_DELAY``).
Calls begun faster than that, e.g. a peer's INVITE/CANCEL churn or a script's redials,
used every key, and pjlib aborted the whole process (an assertion in
``pj_ioqueue_register_sock2``: this wheel keeps assertions). The request gate and the
dialler ask ``free()`` first and answer 503, or wait, instead.

The layout is ``pj_ioqueue_t`` and ``pj_ioqueue_key_t`` of pjproject 2.15.1's select
ioqueue (``ioqueue_select.c``, ``ioqueue_common_abs.h``) on LP64, with
``PJ_IOQUEUE_HAS_SAFE_UNREG`` and ``PJ_HAS_TCP``. ``probe()`` checks it against the live
ioqueue (the limit is 64, both key lists are rings, active + closing + free keys add up
to the limit) before anything trusts it. Every call here runs on the pjsip thread, the
only thread that registers or closes sockets (no media thread: see endpoint.py).
"""

from __future__ import annotations

import ctypes
import functools

from tuiphone.sip.blf import native as blf_native

MAX_HANDLES = 64  # PJ_IOQUEUE_MAX_HANDLES of the wheel
_PTR, _INT, _UINT, _LONG = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_long


class _TimeVal(ctypes.Structure):
    _fields_ = [("sec", _LONG), ("msec", _LONG)]


class _ReadOp(ctypes.Structure):
    _fields_ = [("prev", _PTR), ("next", _PTR), ("op", _INT), ("buf", _PTR),
                ("size", ctypes.c_size_t), ("flags", _UINT), ("rmt_addr", _PTR),
                ("rmt_addrlen", _PTR)]


class _WriteOp(ctypes.Structure):
    _fields_ = [("prev", _PTR), ("next", _PTR), ("op", _INT), ("buf", _PTR),
                ("size", ctypes.c_size_t), ("written", ctypes.c_ssize_t), ("flags", _UINT),
                ("rmt_addr", ctypes.c_uint32 * 7),  # pj_sockaddr: 28 bytes, 4-aligned
                ("rmt_addrlen", _INT)]


class _AcceptOp(ctypes.Structure):
    _fields_ = [("prev", _PTR), ("next", _PTR), ("op", _INT), ("accept_fd", _PTR),
                ("local_addr", _PTR), ("rmt_addr", _PTR), ("addrlen", _PTR)]


class _Key(ctypes.Structure):
    _fields_ = [("prev", _PTR), ("next", _PTR), ("ioqueue", _PTR), ("grp_lock", _PTR),
                ("lock", _PTR), ("inside_callback", _INT), ("destroy_requested", _INT),
                ("allow_concurrent", _INT), ("fd", _LONG), ("fd_type", _INT),
                ("user_data", _PTR), ("cb", _PTR * 4), ("connecting", _INT),
                ("read_list", _ReadOp), ("write_list", _WriteOp), ("accept_list", _AcceptOp),
                ("ref_count", _UINT), ("closing", _INT), ("free_time", _TimeVal)]


_FdSet = _LONG * (MAX_HANDLES + 4)  # pj_fd_set_t: pj_sock_t data[PJ_IOQUEUE_MAX_HANDLES+4]


class _Ioqueue(ctypes.Structure):
    _fields_ = [("lock", _PTR), ("auto_delete_lock", _INT),
                ("cfg_epoll_flags", _UINT), ("cfg_default_concurrency", _INT),
                ("max", _UINT), ("count", _UINT), ("nfds", _INT), ("active_list", _Key),
                ("rfdset", _FdSet), ("wfdset", _FdSet), ("xfdset", _FdSet),
                ("ref_cnt_mutex", _PTR), ("closing_list", _Key), ("free_list", _Key)]


_CLOSING = _Ioqueue.closing_list.offset
_FREE = _Ioqueue.free_list.offset
_FREE_TIME = _Key.free_time.offset


@functools.cache
def _lib() -> ctypes.CDLL:
    lib = blf_native.library()
    lib.pjsua_get_pjsip_endpt.restype = _PTR
    lib.pjsua_get_pjsip_endpt.argtypes = []
    lib.pjsip_endpt_get_ioqueue.restype = _PTR
    lib.pjsip_endpt_get_ioqueue.argtypes = [_PTR]
    lib.pj_gettickcount.restype = _INT
    lib.pj_gettickcount.argtypes = [ctypes.POINTER(_TimeVal)]
    return lib


class IoqueueRoom:
    """The endpoint's ioqueue, once ``probe()`` has found the layout right."""

    def __init__(self) -> None:
        lib = _lib()
        self._lib = lib
        self._addr = int(lib.pjsip_endpt_get_ioqueue(lib.pjsua_get_pjsip_endpt()) or 0)

    def probe(self) -> str | None:
        """None when the layout matches the live ioqueue, else what did not."""
        if not self._addr:
            return "pjsip has no ioqueue"
        head = _Ioqueue.from_address(self._addr)
        if head.max != MAX_HANDLES or head.count > head.max:
            return f"limit {head.max}, {head.count} in use (expected a limit of {MAX_HANDLES})"
        closing = self._ring(self._addr + _CLOSING)
        free = self._ring(self._addr + _FREE)
        if closing is None or free is None:
            return "the key lists are not rings"
        if head.count + len(closing) + len(free) != head.max:
            return (f"{head.count} active + {len(closing)} closing + {len(free)} free keys "
                    f"is not {head.max}")
        return None

    def free(self) -> int:
        """Keys a socket registered now could take: the free ones and the closed ones
        whose delay has passed (pjlib moves those back on the next registration). Only
        the closing list is walked (a few keys; the free list is most of the 64)."""
        head = _Ioqueue.from_address(self._addr)
        closing = self._ring(self._addr + _CLOSING) or []
        if not closing:
            return int(head.max - head.count)
        now = _TimeVal()
        self._lib.pj_gettickcount(ctypes.byref(now))
        waiting = sum(1 for k in closing
                      if not _due(_TimeVal.from_address(k + _FREE_TIME), now))
        return int(head.max - head.count) - waiting

    def in_use(self) -> int:
        """Sockets registered now (SIP listeners, connections, media)."""
        return int(_Ioqueue.from_address(self._addr).count)

    @staticmethod
    def _ring(head: int) -> list[int] | None:
        """The keys of the list whose head is at ``head``; None when it is no ring."""
        keys: list[int] = []
        node = _PTR.from_address(head + _Key.next.offset).value or 0
        while node != head:
            if not node or len(keys) > MAX_HANDLES:
                return None
            keys.append(node)
            node = _PTR.from_address(node + _Key.next.offset).value or 0
        return keys


def _due(free_time: _TimeVal, now: _TimeVal) -> bool:
    """PJ_TIME_VAL_GTE(now, free_time)."""
    return (now.sec, now.msec) >= (free_time.sec, free_time.msec)
