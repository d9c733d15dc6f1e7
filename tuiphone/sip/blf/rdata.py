"""The raw NOTIFY behind a dialog-event state change, read from ``pjsip_event``.

pjsua-lib parses only the first ``<dialog>`` of a dialog-info body and drops the
``<target>`` parameters (``+sip.rendering``), so the full body is read here from the
``pjsip_rx_data`` that ``on_buddy_evsub_dlg_event_state`` receives. Offsets are those
of pjproject 2.15.1 on LP64 (``PJSIP_MAX_PKT_LEN`` 4000) and are verified on every
read: the message buffer pointer must point into the packet (at its start for UDP,
further on for the second message of a TCP read), and the message must start with
``NOTIFY``. Anything else yields None and the caller keeps pjsua's one-dialog view.
"""

from __future__ import annotations

import ctypes

EVENT_TYPE_OFFSET = 16  # after PJ_DECL_LIST_MEMBER's prev/next
EVENT_SRC_OFFSET = 24  # body.tsx_state.src.rdata
EVENT_SRC_TYPE_OFFSET = 44  # body.tsx_state.type
PJSIP_EVENT_RX_MSG = 3
PJSIP_EVENT_TSX_STATE = 5
PACKET_OFFSET = 320  # rx_data.pkt_info.packet
MSG_BUF_OFFSET = 4424  # rx_data.msg_info.msg_buf, then int len
MAX_PKT_LEN = 4000


def _int_at(address: int) -> int:
    return ctypes.c_int.from_address(address).value


def _ptr_at(address: int) -> int:
    return ctypes.c_void_p.from_address(address).value or 0


def notify_message(event: int) -> bytes | None:
    """The whole received NOTIFY for a pjsip_event* (tsx state, RX message), else None.

    Runs inside the pjsua callback, while pjsip owns the event; copies the bytes out.
    """
    if not event or _int_at(event + EVENT_TYPE_OFFSET) != PJSIP_EVENT_TSX_STATE:
        return None
    if _int_at(event + EVENT_SRC_TYPE_OFFSET) != PJSIP_EVENT_RX_MSG:
        return None
    rdata = _ptr_at(event + EVENT_SRC_OFFSET)
    if not rdata:
        return None
    packet, msg_buf = rdata + PACKET_OFFSET, _ptr_at(rdata + MSG_BUF_OFFSET)
    length = _int_at(rdata + MSG_BUF_OFFSET + 8)
    if not (packet <= msg_buf and length > 0 and msg_buf + length <= packet + MAX_PKT_LEN):
        return None
    message = ctypes.string_at(msg_buf, length)
    return message if message.startswith(b"NOTIFY ") else None


def message_body(message: bytes) -> bytes:
    """The body after the blank line (b"" if none)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        head, found, body = message.partition(sep)
        if found:
            return body
    return b""
