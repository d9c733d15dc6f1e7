"""SIP MESSAGE out and in. Every method runs on the pjsip thread.

Outgoing: one non-subscribing Buddy per (account, peer). The wheel caps a whole
SIP message at 4000 bytes, so bodies over MAX_BODY are refused before sending.
pjsua may both raise and report 503 for one message: each is reported once, and a
message too long for the wheel (PJSIP_EMSGTOOLONG) as 513, which is final (503 is
retried by the outbox).
Incoming: the id is derived from Call-ID and CSeq (or a tuiphone sender's
Tuiphone-Message-ID), so a retransmission (pjsua answers it again and calls us again)
or a resend after a crash is recognised by the engine.
"""

from __future__ import annotations

import codecs
import collections
import hashlib
import logging
import re
import time
import zlib
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.errors import LimitExceeded
from tuiphone.model.ids import random_id
from tuiphone.model.longtext import PART_HEADER
from tuiphone.model.message import MAX_BODY, Delivery, Message
from tuiphone.sip.blf import native as blf_native
from tuiphone.sip.callinfo import split_name_addr
from tuiphone.sip.errors import pj_reason, pj_status, pj_text, readable
from tuiphone.sip.text import wire_bytes
from tuiphone.sip.uri import check_uri

if TYPE_CHECKING:
    from tuiphone.sip.account import PjAccount
    from tuiphone.sip.core import Core

MAX_BUDDIES = 16  # = blf.RESERVED_BUDDIES
# The outbox's id of an outgoing message, the same in every resend of it (a resend is a
# new transaction: new Call-ID), so a tuiphone receiver keeps it once.
ID_HEADER = "Tuiphone-Message-ID"
_ID = re.compile(rf"^{ID_HEADER}\s*:\s*(\S+)", re.I | re.M)
_CALL_ID = re.compile(r"^(?:Call-ID|i)\s*:\s*(\S+)", re.I | re.M)
_CSEQ = re.compile(r"^CSeq\s*:\s*(\d+)", re.I | re.M)
_CONTENT_LENGTH = re.compile(r"^(?:Content-Length|l)\s*:\s*(\d+)", re.I | re.M)
_CHARSET = re.compile(rb"^(?:Content-Type|c)\s*:[^\r\n]*;\s*charset\s*=\s*\"?([\w.:-]+)",
                      re.I | re.M)
_DEFLATE = re.compile(rb"^Content-Encoding\s*:\s*deflate\s*$", re.I | re.M)
_PART = re.compile(rf"^{PART_HEADER}\s*:([^\r\n]*)", re.I | re.M)
MAX_INFLATED = 65536
log = logging.getLogger("tuiphone.sip")


def inflate(data: bytes) -> bytes:
    """A deflated body (zlib or raw deflate) inflated to at most MAX_INFLATED bytes;
    ``data`` unchanged when it does not inflate."""
    for wbits in (15, -15):
        try:
            return zlib.decompressobj(wbits).decompress(data, MAX_INFLATED)
        except zlib.error:
            continue
    return data


def message_id(account_id: str, peer: str, head: str) -> str:
    """An incoming MESSAGE's id, the same for a retransmission (same Call-ID and CSeq)
    and for a tuiphone sender's resend (same ID_HEADER from the same peer), so the
    engine stores and shows it once; random when the head has neither."""
    tag, call_id, cseq = _ID.search(head), _CALL_ID.search(head), _CSEQ.search(head)
    if tag is not None:
        key = f"{account_id}\n{peer}\n{tag.group(1)}"
    elif call_id is not None and cseq is not None:
        key = f"{account_id}\n{call_id.group(1)}\n{cseq.group(1)}"
    else:
        return random_id(32)
    return "sip-" + hashlib.sha256(key.encode()).hexdigest()[:28]


def charset_of(head: bytes) -> str:
    """The charset parameter of a message head's Content-Type ("" when none)."""
    m = _CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else ""


def decode_body(data: bytes, charset: str) -> tuple[str, bool]:
    """(text, exact): ``data`` decoded as ``charset`` (UTF-8 when none, unknown or not a
    text encoding); ``exact`` is False when some bytes did not decode (U+FFFD instead)."""
    name = _text_codec(charset)
    try:
        return data.decode(name), True
    except UnicodeError:
        pass
    try:
        return data.decode(name, errors="replace"), False
    except UnicodeError:  # a codec that cannot replace (idna): UTF-8 always can
        return data.decode("utf-8", errors="replace"), False


def _text_codec(charset: str) -> str:
    try:
        info = codecs.lookup(charset or "utf-8")
    except LookupError:
        return "utf-8"
    # base64, rot13, zlib...: codecs, but not charsets
    return info.name if getattr(info, "_is_text_encoding", True) else "utf-8"


class Pager:
    def __init__(self, core: Core) -> None:
        self.core = core
        # LRU: pjsua has 256 buddy slots in all, shared with BLF and presence
        self.buddies: collections.OrderedDict[tuple[str, str], pj.Buddy] = collections.OrderedDict()
        self.pending: list[Message] = []

    def send(self, acc: PjAccount, uri: str, body: str, content_type: str, message_id: str,
             headers: tuple[tuple[str, str], ...] = ()) -> None:
        """Send; the outcome arrives as a MessageStatus event. Raises LimitExceeded, InvalidUri."""
        size = len(body.encode("utf-8"))
        if size > MAX_BODY:
            raise LimitExceeded(
                f"message body is {size} bytes; at most {MAX_BODY} fit in one SIP MESSAGE"
            )
        check_uri(self.core.stack.ep, uri)
        msg = Message(
            message_id, acc.config.id, "out", uri, body, content_type, time.time(), Delivery.SENDING
        )
        buddy = self._buddy(acc, uri)  # LimitExceeded before anything is pending
        self.pending.append(msg)
        prm = pj.SendInstantMessageParam()
        prm.content = body
        prm.contentType = content_type
        tag = pj.SipHeader()
        tag.hName, tag.hValue = ID_HEADER, message_id
        prm.txOption.headers.append(tag)
        for name, value in headers:
            extra = pj.SipHeader()
            extra.hName, extra.hValue = name, value
            prm.txOption.headers.append(extra)
        try:
            buddy.sendInstantMessage(prm)
        except pj.Error as err:
            # pjsua may already have called onInstantMessageStatus for this one.
            if msg in self.pending:
                too_long = "EMSGTOOLONG" in pj_text(err)
                self._finish(msg, 513 if too_long else 503 if pj_status(err) else 500,
                             pj_reason(err))

    def typing(self, acc: PjAccount, uri: str, active: bool) -> None:
        """An is-composing indication (pjsua builds the RFC 3994 body). Raises InvalidUri."""
        check_uri(self.core.stack.ep, uri)
        prm = pj.SendTypingIndicationParam()
        prm.isTyping = active
        self._buddy(acc, uri).sendTypingIndication(prm)

    def typing_received(self, acc: PjAccount, prm: pj.OnTypingIndicationParam) -> None:
        peer = split_name_addr(str(prm.fromUri))[1]
        self.core.typing(acc.config.id, peer, bool(prm.isTyping))

    def _buddy(self, acc: PjAccount, uri: str) -> pj.Buddy:
        key = (acc.config.id, uri)
        buddy = self.buddies.get(key)
        if buddy is not None:
            self.buddies.move_to_end(key)
        else:
            if blf_native.buddies_left() < 1 and self.buddies:
                self.buddies.popitem(last=False)  # make room in pjsua's shared table
            if blf_native.buddies_left() < 1:
                raise LimitExceeded(
                    f"pjsua's {blf_native.MAX_BUDDIES} buddy slots are all in use (BLF lamps)"
                )
            cfg = pj.BuddyConfig()
            cfg.uri = uri
            cfg.subscribe = False
            buddy = pj.Buddy()
            buddy.create(acc, cfg)
            self.buddies[key] = buddy
            while len(self.buddies) > MAX_BUDDIES:
                self.buddies.popitem(last=False)  # Buddy.~Buddy deletes the pjsua buddy
        return buddy

    def status(self, acc: PjAccount, prm: pj.OnInstantMessageStatusParam) -> None:
        to_uri, body = split_name_addr(str(prm.toUri))[1], str(prm.msgBody)
        match = [m for m in self.pending if m.account_id == acc.config.id and m.peer == to_uri]
        exact = [m for m in match if m.body == body] or match
        if exact:
            code, reason = int(prm.code), readable(str(prm.reason))
            if "EMSGTOOLONG" in str(prm.reason):
                code = 513  # local, final: retrying cannot make it fit
            self._finish(exact[0], code, reason)

    def _finish(self, msg: Message, code: int, reason: str) -> None:
        self.pending.remove(msg)
        delivery = Delivery.SENT if 200 <= code < 300 else Delivery.FAILED
        done = Message(
            msg.id,
            msg.account_id,
            "out",
            msg.peer,
            msg.body,
            msg.content_type,
            msg.timestamp,
            delivery,
            code,
            reason,
        )
        self.core.message_status(done)

    def received(self, acc: PjAccount, prm: pj.OnInstantMessageParam) -> None:
        data = wire_bytes(str(prm.msgBody))
        try:
            head = wire_bytes(str(prm.rdata.wholeMsg)).split(b"\r\n\r\n", 1)[0]
        except Exception:
            head = b""
        peer = split_name_addr(str(prm.fromUri))[1]
        m = _CONTENT_LENGTH.search(head.decode("latin-1"))
        truncated = m is not None and int(m.group(1)) > len(data)
        if _DEFLATE.search(head) and not truncated:
            data = inflate(data)  # Linphone deflates its IMDN
        body, exact = decode_body(data, charset_of(head))
        if not exact:
            log.warning("MESSAGE from %s: body is not valid %s; kept as the %d bytes that "
                        "arrived", peer, charset_of(head) or "utf-8", len(data))
        text_head = head.decode("latin-1")
        part = _PART.search(text_head)
        msg = Message(
            id=message_id(acc.config.id, peer, text_head),
            account_id=acc.config.id,
            direction="in",
            peer=peer,
            body=body,
            content_type=str(prm.contentType),
            timestamp=time.time(),
            delivery=Delivery.RECEIVED,
            truncated=truncated,
            raw=b"" if body.encode("utf-8") == data else data,
            part=part.group(1).strip() if part else "",
        )
        self.core.message_received(msg)

    def forget_account(self, account_id: str) -> None:
        for key in [k for k in self.buddies if k[0] == account_id]:
            del self.buddies[key]
