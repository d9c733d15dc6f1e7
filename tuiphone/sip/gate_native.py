"""A pjsip module, written through ctypes, that sees every request before pjsua does.

pjsua answers an INVITE with 100 Trying, and a MESSAGE or NOTIFY with 200 OK, before
any pjsua2 callback runs, so refusing with 403 (or not answering at all) needs a module
registered with ``pjsip_endpt_register_module`` whose ``on_rx_request`` runs first.
Its priority is below pjsua's message logger (``PJSIP_MOD_PRIORITY_TRANSPORT_LAYER-1``),
so a refused request never reaches the SIP trace either.

The struct offsets are those of pjproject 2.15.1 on LP64 as this wheel builds it
(``PJSIP_MAX_PKT_LEN`` 4000); ``gate_probe`` checks them against requests we send
ourselves before the module is trusted. Everything here runs on the pjsip thread.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from dataclasses import dataclass

from tuiphone.sip.blf import native as blf_native

PRIORITY = 5  # PJSIP_MOD_PRIORITY_TRANSPORT_LAYER (8) - 3: before the logger (7)
PJ_SUCCESS = 0

# pjsip_rx_data (sip_transport.h 2.15.1, LP64)
RX_TRANSPORT = 8  # tp_info.transport
RX_SRC_NAME = 4368  # pkt_info.src_name, char[PJ_INET6_ADDRSTRLEN]
SRC_NAME_LEN = 46
RX_SRC_PORT = 4416  # pkt_info.src_port
RX_MSG_BUF = 4424  # msg_info.msg_buf, then int len
RX_MSG_LEN = 4432
RX_TO = 4472  # msg_info.to (pjsip_to_hdr*)
TO_TAG_SLEN = 80  # pjsip_fromto_hdr.tag.slen (after the header members, uri, tag.ptr)
TP_KEY_TYPE = 80  # pjsip_transport.key.type (long)
HEAD_BYTES = 512  # enough of the message for the request line

RxCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


class PjStr(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_char_p), ("slen", ctypes.c_ssize_t)]


class Module(ctypes.Structure):
    """``pjsip_module`` (sip_module.h 2.15.1): 112 bytes on LP64."""

    _fields_ = [
        ("prev", ctypes.c_void_p),
        ("next", ctypes.c_void_p),
        ("name", PjStr),
        ("id", ctypes.c_int),
        ("priority", ctypes.c_int),
        ("load", ctypes.c_void_p),
        ("start", ctypes.c_void_p),
        ("stop", ctypes.c_void_p),
        ("unload", ctypes.c_void_p),
        ("on_rx_request", RxCallback),
        ("on_rx_response", ctypes.c_void_p),
        ("on_tx_request", ctypes.c_void_p),
        ("on_tx_response", ctypes.c_void_p),
        ("on_tsx_state", ctypes.c_void_p),
    ]


MODULE_SIZE = 112


@dataclass(frozen=True, slots=True)
class Request:
    """What the gate reads of one received request."""

    address: str  # source IP as pjsip printed it
    port: int
    transport_type: int  # pjsip_transport_type_e
    has_to_tag: bool
    head: bytes  # the start of the message: request line and some headers


@functools.cache
def _lib() -> ctypes.CDLL:
    """The extension module with the prototypes this module calls. Imports pjsua2."""
    lib = blf_native.library()
    lib.pjsua_get_pjsip_endpt.restype = ctypes.c_void_p
    lib.pjsua_get_pjsip_endpt.argtypes = []
    for name in ("pjsip_endpt_register_module", "pjsip_endpt_unregister_module"):
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        getattr(lib, name).restype = ctypes.c_int
    lib.pjsip_endpt_respond_stateless.argtypes = [
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
    ]
    lib.pjsip_endpt_respond_stateless.restype = ctypes.c_int
    lib.pjsua_acc_find_for_incoming.argtypes = [ctypes.c_void_p]
    lib.pjsua_acc_find_for_incoming.restype = ctypes.c_int
    return lib


def read_request(rdata: int) -> Request:
    """Copy what the gate needs out of a ``pjsip_rx_data*`` (valid during the callback)."""
    name = ctypes.string_at(rdata + RX_SRC_NAME, SRC_NAME_LEN).split(b"\0", 1)[0]
    port = ctypes.c_int.from_address(rdata + RX_SRC_PORT).value
    transport = ctypes.c_void_p.from_address(rdata + RX_TRANSPORT).value or 0
    kind = ctypes.c_long.from_address(transport + TP_KEY_TYPE).value if transport else 0
    to_hdr = ctypes.c_void_p.from_address(rdata + RX_TO).value or 0
    tagged = bool(to_hdr) and ctypes.c_ssize_t.from_address(to_hdr + TO_TAG_SLEN).value > 0
    buf = ctypes.c_void_p.from_address(rdata + RX_MSG_BUF).value or 0
    length = ctypes.c_int.from_address(rdata + RX_MSG_LEN).value
    head = ctypes.string_at(buf, min(max(length, 0), HEAD_BYTES)) if buf else b""
    return Request(name.decode("ascii", "replace"), port, kind, tagged, head)


def account_for(rdata: int) -> int:
    """The pjsua account id pjsua will hand the request to (-1: none)."""
    return int(_lib().pjsua_acc_find_for_incoming(rdata))


def respond(rdata: int, code: int) -> bool:
    """Answer statelessly (no transaction: a retransmission is judged again)."""
    lib = _lib()
    status = lib.pjsip_endpt_respond_stateless(lib.pjsua_get_pjsip_endpt(), rdata, code,
                                               None, None, None)
    return int(status) == PJ_SUCCESS



class GateModule:
    """Owns the module struct and its callback thunk for as long as it is registered."""

    def __init__(self, on_request: Callable[[int], int], name: bytes = b"mod-tuiphone-gate"
                 ) -> None:
        self._name = ctypes.create_string_buffer(name)
        self._thunk = RxCallback(on_request)
        self._mod = Module()
        self._mod.name = PjStr(ctypes.cast(self._name, ctypes.c_char_p), len(name))
        self._mod.id = -1
        self._mod.priority = PRIORITY
        self._mod.on_rx_request = self._thunk
        self.registered = False

    def register(self) -> None:
        """Raises blf_native.NativeError."""
        if ctypes.sizeof(Module) != MODULE_SIZE:
            raise blf_native.NativeError("pjsip_module mirror size", -1)
        lib = _lib()
        status = lib.pjsip_endpt_register_module(lib.pjsua_get_pjsip_endpt(),
                                                 ctypes.byref(self._mod))
        if status != PJ_SUCCESS:
            raise blf_native.NativeError("pjsip_endpt_register_module", status)
        self.registered = True

    def unregister(self) -> None:
        """Idempotent. Never from inside the callback (pjsip holds the module lock)."""
        if not self.registered:
            return
        lib = _lib()
        lib.pjsip_endpt_unregister_module(lib.pjsua_get_pjsip_endpt(), ctypes.byref(self._mod))
        self.registered = False
