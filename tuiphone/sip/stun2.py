"""Make pjsua map SIP and RTP sockets with RFC 5389 STUN, which today's servers answer.

pjsua learns the public address of each socket with ``pjstun_get_mapped_addr2``, which
speaks the classic RFC 3489 protocol unless ``pjsua_var.ua_cfg.stun_map_use_stun2`` is
set; pjsua2 2.15.1 has no setting for it, and coturn (the usual STUN/TURN server)
ignores RFC 3489 requests, so the mapping silently failed and the SDP kept the local
address. This writes that one flag through ctypes, after ``libInit`` copied the config
into ``pjsua_var``, but only where the surrounding fields hold exactly the values we
configured (the layout of pjsua.h 2.15.1, LP64); otherwise it leaves everything alone.
"""

from __future__ import annotations

import ctypes
import logging
import struct
from dataclasses import dataclass

from tuiphone.sip.blf import native

log = logging.getLogger("tuiphone.sip")
PJSUA_VAR_SIZE = 0x6F9C8  # nm -S of this wheel (as blf_hook.py)
# offsets in pjsua_config (pjsua.h 2.15.1, LP64)
_THREAD_CNT, _NS_COUNT, _NS0_LEN = 4, 8, 24
_STUN_CNT, _STUN0_LEN = 184, 200
_TRY_IPV6, _IGNORE_FAILURE, _USE_STUN2 = 320, 324, 328


@dataclass(frozen=True, slots=True)
class Expected:
    """What libInit must have copied into ``pjsua_var.ua_cfg``: our own settings."""

    max_calls: int
    nameservers: tuple[str, ...]
    stun_servers: tuple[str, ...]


def enable(expected: Expected) -> bool:
    """Set ``stun_map_use_stun2``; True when done. Only after libInit, on the pjsip thread."""
    flag = _flag(expected)
    if flag is None:
        return False
    flag.value = 1
    return True


def enabled(expected: Expected) -> bool:
    """Whether the flag is set (for tests and diagnostics)."""
    flag = _flag(expected)
    return flag is not None and flag.value == 1


def _flag(expected: Expected) -> ctypes.c_uint32 | None:
    if native.wheel_version() != native.WHEEL_VERSION:
        log.warning("STUN mapping stays RFC 3489: pjsua2-python is not %s", native.WHEEL_VERSION)
        return None
    base = ctypes.addressof(ctypes.c_char.in_dll(native.library(), "pjsua_var"))
    memory = ctypes.string_at(base, PJSUA_VAR_SIZE)
    head = struct.pack("<III", expected.max_calls, 0, len(expected.nameservers))
    hits = [o for o in _aligned(memory, head) if _matches(memory, o, expected)]
    if len(hits) != 1:
        log.warning("STUN mapping stays RFC 3489: pjsua's config found %d times", len(hits))
        return None
    return ctypes.c_uint32.from_address(base + hits[0] + _USE_STUN2)


def _aligned(memory: bytes, needle: bytes) -> list[int]:
    found, at = [], memory.find(needle)
    while 0 <= at < len(memory) - _USE_STUN2 - 4:
        if at % 8 == 0:
            found.append(at)
        at = memory.find(needle, at + 1)
    return found


def _matches(memory: bytes, at: int, expected: Expected) -> bool:
    def u32(offset: int) -> int:
        return int(struct.unpack_from("<I", memory, at + offset)[0])

    def u64(offset: int) -> int:
        return int(struct.unpack_from("<Q", memory, at + offset)[0])

    if (u32(0), u32(_THREAD_CNT)) != (expected.max_calls, 0):
        return False
    if u32(_NS_COUNT) != len(expected.nameservers) or u32(_STUN_CNT) != len(expected.stun_servers):
        return False
    if (u32(_TRY_IPV6), u32(_IGNORE_FAILURE)) != (0, 1) or u32(_USE_STUN2) not in (0, 1):
        return False
    lengths = [(_NS0_LEN + 16 * i, len(s)) for i, s in enumerate(expected.nameservers)]
    lengths += [(_STUN0_LEN + 16 * i, len(s)) for i, s in enumerate(expected.stun_servers)]
    return all(u64(offset) == size for offset, size in lengths)
