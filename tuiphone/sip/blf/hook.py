"""The ``on_buddy_dlg_event_state`` callback slot of pjsua-lib, written through ctypes.

pjsua2 2.15.1 leaves ``pjsua_var.ua_cfg.cb.on_buddy_dlg_event_state`` NULL. pjsua.h puts
it right after ``on_buddy_state`` (which pjsua2 sets to ``Endpoint::on_buddy_state``) and
before ``on_buddy_evsub_state`` (``Endpoint::on_buddy_evsub_state``). We find pjsua2's own
pointer inside ``pjsua_var`` and accept the slot only if the neighbour 16 bytes on holds
the second one; otherwise the caller falls back to polling.

Only valid after ``Endpoint.libInit`` (which copies the callbacks into ``pjsua_var``).
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from tuiphone.sip.blf import native

PJSUA_VAR_SIZE = 0x6F9C8  # nm -S of this wheel: bounds the scan
_SYM_STATE = "_ZN2pj8Endpoint14on_buddy_stateEi"
_SYM_EVSUB = "_ZN2pj8Endpoint20on_buddy_evsub_stateEiP11pjsip_evsubP11pjsip_event"
# void (*on_buddy_dlg_event_state)(pjsua_buddy_id)
StateCallback = ctypes.CFUNCTYPE(None, ctypes.c_int)
# void (*on_buddy_evsub_dlg_event_state)(pjsua_buddy_id, pjsip_evsub*, pjsip_event*)
EvsubCallback = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


@dataclass(frozen=True, slots=True)
class HookLayout:
    """Where the slots sit relative to ``on_buddy_state`` (pjsua.h 2.15.1, LP64)."""

    dlg_delta: int = 8
    evsub_delta: int = 16
    evsub_dlg_delta: int = 24


@dataclass(frozen=True, slots=True)
class SelfCheckResult:
    ok: bool
    mode: Literal["callback", "poll"]
    detail: str
    full_body: bool = False  # raw NOTIFY bodies are read (every dialog, +sip.rendering)


class LayoutError(RuntimeError):
    """The binary is not the one this module was written against."""


def check_versions(lib_version: str) -> None:
    """Raise LayoutError unless wheel, C library and struct mirror are the pinned ones."""
    wheel = native.wheel_version()
    if wheel != native.WHEEL_VERSION:
        raise LayoutError(f"pjsua2-python {wheel or '?'} found, BLF needs {native.WHEEL_VERSION}")
    if lib_version != native.PJ_VERSION:
        raise LayoutError(f"pjsua-lib is {lib_version}, BLF needs {native.PJ_VERSION}")
    size = ctypes.sizeof(native.DlgEventInfoStruct)
    if size != native.EXPECTED_STRUCT_SIZE:
        raise LayoutError(f"struct mirror is {size} bytes, not {native.EXPECTED_STRUCT_SIZE}")


def _symbol(name: str) -> int:
    value = ctypes.cast(getattr(native.library(), name), ctypes.c_void_p).value
    if not value:
        raise LayoutError(f"symbol {name} not found")
    return value


def locate_slot(layout: HookLayout) -> int:
    """Return the address of the ``on_buddy_state`` slot, the anchor of ``layout``'s
    deltas, in ``pjsua_var.ua_cfg.cb``. Raises LayoutError."""
    base = ctypes.addressof(ctypes.c_char.in_dll(native.library(), "pjsua_var"))
    on_state, on_evsub = _symbol(_SYM_STATE), _symbol(_SYM_EVSUB)
    memory = ctypes.string_at(base, PJSUA_VAR_SIZE)
    hits = _aligned_hits(memory, struct.pack("<Q", on_state))
    if len(hits) != 1:
        raise LayoutError(f"Endpoint::on_buddy_state found {len(hits)} times in pjsua_var")
    (neighbour,) = struct.unpack_from("<Q", memory, hits[0] + layout.evsub_delta)
    if neighbour != on_evsub:
        raise LayoutError(
            f"slot+{layout.evsub_delta} holds {neighbour:#x}, not Endpoint::on_buddy_evsub_state"
        )
    return base + hits[0]


def _aligned_hits(memory: bytes, needle: bytes) -> list[int]:
    hits, at = [], memory.find(needle)
    while at >= 0:
        if at % 8 == 0:
            hits.append(at)
        at = memory.find(needle, at + 1)
    return hits


class SlotHook:
    """Owns one callback slot. ``install`` keeps the ctypes thunk alive until
    ``uninstall``; pjsua calls it on the thread that handles the SIP event (the pjsip
    thread under the project's model), with the buddy's dialog lock held."""

    def __init__(self, slot: int, functype: Any) -> None:
        self._cell = ctypes.c_void_p.from_address(slot)
        self._functype = functype
        self._thunk: Any = None

    def install(self, callback: Callable[..., None]) -> None:
        """Point the slot at ``callback``. Raises LayoutError if the slot is not NULL."""
        if self._cell.value not in (None, 0):
            raise LayoutError(f"callback slot already set ({self._cell.value:#x})")
        self._thunk = self._functype(callback)
        self._cell.value = ctypes.cast(self._thunk, ctypes.c_void_p).value

    def uninstall(self) -> None:
        """Clear the slot if it still holds our thunk. Idempotent."""
        if self._thunk is None:
            return
        if self._cell.value == ctypes.cast(self._thunk, ctypes.c_void_p).value:
            self._cell.value = None
        self._thunk = None
