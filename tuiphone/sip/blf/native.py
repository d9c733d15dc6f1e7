"""ctypes view of the dialog-event (RFC 4235) C API inside the pjsua2 2.15.1 extension.

The Python classes of this wheel have no dialog-event API, but the bundled pjsua-lib
exports it. Everything here mirrors ``pjsua.h`` of pjproject 2.15.1 exactly and must be
re-checked when the wheel changes; ``tuiphone.sip.blf.hook`` verifies it at run time.
Every function here must be called on the thread that owns the pjsua2 Endpoint.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache
from typing import Any

WHEEL_VERSION = "2.15.1.post1"
PJ_VERSION = "2.15.1"
PJ_SUCCESS = 0
INFO_BUF_SIZE = 1024  # PJSUA_BUDDY_DLG_EVENT_INFO_BUF_SIZE
MAX_BUDDIES = 256  # PJSUA_MAX_BUDDIES (pjsua.h default; the wheel keeps it)


class PjStr(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p), ("slen", ctypes.c_ssize_t)]

    def text(self) -> str:
        if not self.ptr or self.slen <= 0:
            return ""
        return ctypes.string_at(self.ptr, self.slen).decode("utf-8", "replace")


_STR_FIELDS = [
    "uri",
    "dialog_id",
    "dialog_info_state",
    "dialog_info_entity",
    "dialog_call_id",
    "dialog_remote_tag",
    "dialog_local_tag",
    "dialog_direction",
    "dialog_state",
    "dialog_duration",
    "local_identity",
    "local_identity_display",
    "local_target_uri",
    "remote_identity",
    "remote_identity_display",
    "remote_target_uri",
]


class DlgEventInfoStruct(ctypes.Structure):
    """``pjsua_buddy_dlg_event_info`` (pjsua.h 2.15.1, x86_64: 1328 bytes)."""

    _fields_ = [
        ("id", ctypes.c_int),
        *((name, PjStr) for name in _STR_FIELDS),
        ("sub_state", ctypes.c_int),
        ("sub_state_name", ctypes.c_char_p),
        ("sub_term_code", ctypes.c_uint),
        ("sub_term_reason", PjStr),
        ("buf_", ctypes.c_char * INFO_BUF_SIZE),
    ]


EXPECTED_STRUCT_SIZE = 1328


@dataclass(frozen=True, slots=True)
class RawDlgInfo:
    """A Python copy of ``pjsua_buddy_dlg_event_info``: the buddy's last NOTIFY, one dialog."""

    buddy_id: int
    uri: str
    info_state: str = ""
    entity: str = ""
    dialog_id: str = ""
    call_id: str = ""
    local_tag: str = ""
    remote_tag: str = ""
    direction: str = ""
    state: str = ""
    duration: str = ""
    local_identity: str = ""
    local_target: str = ""
    remote_identity: str = ""
    remote_display: str = ""
    remote_target: str = ""
    sub_state: int = 0  # pjsip_evsub_state: 0 NULL .. 4 ACTIVE, 5 TERMINATED
    sub_state_name: str = ""
    term_code: int = 0
    term_reason: str = ""


class NativeError(RuntimeError):
    """A dialog-event C call failed; ``status`` is the pj_status_t."""

    def __init__(self, func: str, status: int) -> None:
        super().__init__(f"{func} failed with pj_status_t {status}")
        self.status = status


def wheel_version() -> str:
    """The installed pjsua2-python distribution version ("" if unknown)."""
    import importlib.metadata  # ~5 ms and a walk of site-packages: only when asked

    try:
        return importlib.metadata.version("pjsua2-python")
    except importlib.metadata.PackageNotFoundError:
        return ""


@cache
def library() -> ctypes.CDLL:
    """The pjsua2 extension module as a CDLL, with prototypes set. Imports pjsua2."""
    import pjsua2._pjsua2 as ext

    lib = ctypes.CDLL(ext.__file__)
    info_p = ctypes.POINTER(DlgEventInfoStruct)
    _proto(lib.pjsua_buddy_subscribe_dlg_event, [ctypes.c_int, ctypes.c_int])
    _proto(lib.pjsua_buddy_update_dlg_event, [ctypes.c_int])
    _proto(lib.pjsua_buddy_get_dlg_event_info, [ctypes.c_int, info_p])
    _proto(lib.pjsua_buddy_is_valid, [ctypes.c_int])
    _proto(lib.pjsua_get_buddy_count, [])
    return lib


def _proto(func: Any, argtypes: list[type]) -> None:
    func.argtypes = argtypes
    func.restype = ctypes.c_int


def subscribe(buddy_id: int, on: bool) -> None:
    """Start (``on``) or stop the dialog-event subscription. Raises NativeError."""
    _check(
        "pjsua_buddy_subscribe_dlg_event",
        library().pjsua_buddy_subscribe_dlg_event(buddy_id, 1 if on else 0),
    )


def update(buddy_id: int) -> None:
    """Re-send SUBSCRIBE if the subscription is down. Raises NativeError."""
    _check("pjsua_buddy_update_dlg_event", library().pjsua_buddy_update_dlg_event(buddy_id))


def read_info(buddy_id: int) -> RawDlgInfo:
    """Copy the buddy's dialog-event info out of pjsua. Raises NativeError."""
    st = DlgEventInfoStruct()
    status = library().pjsua_buddy_get_dlg_event_info(buddy_id, ctypes.byref(st))
    _check("pjsua_buddy_get_dlg_event_info", status)
    return RawDlgInfo(
        buddy_id=st.id,
        uri=st.uri.text(),
        info_state=st.dialog_info_state.text(),
        entity=st.dialog_info_entity.text(),
        dialog_id=st.dialog_id.text(),
        call_id=st.dialog_call_id.text(),
        local_tag=st.dialog_local_tag.text(),
        remote_tag=st.dialog_remote_tag.text(),
        direction=st.dialog_direction.text(),
        state=st.dialog_state.text(),
        duration=st.dialog_duration.text(),
        local_identity=st.local_identity.text(),
        local_target=st.local_target_uri.text(),
        remote_identity=st.remote_identity.text(),
        remote_display=st.remote_identity_display.text(),
        remote_target=st.remote_target_uri.text(),
        sub_state=st.sub_state,
        sub_state_name=(st.sub_state_name or b"").decode("ascii", "replace"),
        term_code=st.sub_term_code,
        term_reason=st.sub_term_reason.text(),
    )


def buddy_count() -> int:
    """How many pjsua buddies exist (presence and dialog-event alike)."""
    return int(library().pjsua_get_buddy_count())


def buddies_left() -> int:
    """How many more pjsua buddies may be created. Creating one more than this aborts
    the process (an assertion in pjsua_buddy_add), so every Buddy.create must check."""
    return MAX_BUDDIES - buddy_count()


def _check(func: str, status: int) -> None:
    if status != PJ_SUCCESS:
        raise NativeError(func, status)
