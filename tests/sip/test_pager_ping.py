"""MESSAGE, OPTIONS ping, SIP trace and account limits."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.sip.conftest import Lab
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import InvalidUri, LimitExceeded, NetworkError, Timeout, UsageError
from tuiphone.model.events import MessageReceived, MessageStatus, SipTrace
from tuiphone.model.message import Delivery

pytestmark = pytest.mark.pjsua


async def test_message_delivered_and_received(pair: Lab) -> None:
    body = "héllo ☃"
    await pair.backend.send_message("alice", pair.contacts["bob"], body, "text/plain", "m1")
    got = await pair.events.wait(lambda e: isinstance(e, MessageReceived))
    assert got.message.body == body
    assert got.message.account_id == "bob"
    assert got.message.peer.startswith("sip:alice@127.0.0.1")
    assert got.message.delivery is Delivery.RECEIVED
    assert not got.message.truncated
    status = await pair.events.wait(lambda e: isinstance(e, MessageStatus))
    assert (status.message.id, status.message.delivery, status.message.code) == (
        "m1",
        Delivery.SENT,
        200,
    )


async def test_oversize_message_refused_before_sending(pair: Lab) -> None:
    with pytest.raises(LimitExceeded):
        await pair.backend.send_message(
            "alice", pair.contacts["bob"], "x" * 3001, "text/plain", "m2"
        )
    assert not [
        e for e in pair.events.items if isinstance(e, SipTrace) and "MESSAGE" in e.entry.first_line
    ]


async def test_message_to_dead_port_fails_once(pair: Lab) -> None:
    # 3000 B fits our check; a TCP target that refuses gives one FAILED status.
    await pair.backend.send_message(
        "alice", "sip:x@127.0.0.1:9;transport=tcp", "hi", "text/plain", "m3"
    )
    st = await pair.events.wait(lambda e: isinstance(e, MessageStatus), timeout=60)
    assert st.message.id == "m3"
    assert st.message.delivery is Delivery.FAILED
    assert len([e for e in pair.events.items if isinstance(e, MessageStatus)]) == 1


async def test_ping_other_account(pair: Lab) -> None:
    result = await pair.backend.ping("alice", pair.contacts["bob"], 10.0)
    assert result.code == 200
    assert result.rtt_ms > 0


async def test_ping_silent_target_times_out(pair: Lab) -> None:
    with pytest.raises(Timeout):
        await pair.backend.ping("alice", "sip:x@127.0.0.1:9", 0.5)


async def test_ping_bad_uri(pair: Lab) -> None:
    with pytest.raises(InvalidUri):
        await pair.backend.ping("alice", "not a uri", 1.0)


async def test_trace_entries_have_direction_and_peer(pair: Lab) -> None:
    await pair.backend.ping("alice", pair.contacts["bob"], 10.0)
    port = pair.contacts["bob"].rsplit(":", 1)[1]
    traces = [e.entry for e in pair.events.of(SipTrace)]
    tx = [t for t in traces if t.direction == "tx" and t.first_line.startswith("OPTIONS")]
    rx = [t for t in traces if t.direction == "rx" and t.first_line.startswith("SIP/2.0 200")]
    assert tx
    assert rx
    assert tx[0].peer == f"127.0.0.1:{port}"
    assert tx[0].transport == "UDP"
    assert tx[0].call_id
    assert tx[0].call_id == rx[0].call_id


async def test_ninth_account_refused(lab: Lab) -> None:
    for i in range(8):
        await lab.add(f"u{i}")
    with pytest.raises(LimitExceeded):
        await lab.add("u8")
    await lab.backend.remove_account("u0")
    await lab.add("u8")  # room again after a removal


async def test_bad_account_uri(lab: Lab) -> None:
    with pytest.raises(InvalidUri):
        await lab.backend.add_account(AccountConfig(id="x", uri="alice at home"), None)
    with pytest.raises(UsageError):
        await lab.backend.set_registration("x", True)


async def test_remove_account_with_pending_ping(lab: Lab) -> None:
    """A live OPTIONS transaction must not abort the process at removal or stop."""
    await lab.add("alice")
    with pytest.raises(Timeout):
        await lab.backend.ping("alice", "sip:x@127.0.0.1:9", 0.2)
    await lab.backend.remove_account("alice")
    await lab.add("alice")  # the id is free again
    await lab.backend.stop()
    assert not lab.backend.running


async def test_many_peers_reuse_buddy_slots(pair: Lab) -> None:
    """More peers than the pager's buddy cache: old buddies are recycled, sends still work."""
    port = pair.contacts["bob"].rsplit(":", 1)[1]
    for i in range(20):
        await pair.backend.send_message(
            "alice", f"sip:bob{i}@127.0.0.1:{port}", "x", "text/plain", f"n{i}"
        )
    await pair.backend.send_message("alice", pair.contacts["bob"], "last", "text/plain", "n-last")
    done = await pair.events.wait(
        lambda e: isinstance(e, MessageStatus) and e.message.id == "n-last"
    )
    assert done.message.code == 200
    assert await pair.backend.run_in_stack(lambda core: len(core.pager.buddies)) <= 16


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, object]]]:
    """What reaches the asyncio exception handler (e.g. "never retrieved") during a test."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    loop.set_exception_handler(None)


async def settle_garbage() -> None:
    for _ in range(3):
        await asyncio.sleep(0.05)
        gc.collect()


@pytest.mark.parametrize("uri", ["sip:x@127.0.0.1:9;transport=tls", "sips:x@127.0.0.1:9"])
async def test_ping_reported_and_raised_by_pjsua_fails_once(
    pair: Lab, loop_errors: list[dict[str, object]], uri: str
) -> None:
    # The accounts have no TLS transport: pjsua ends the transaction (reporting 503)
    # inside sendRequest, then raises as well.
    with pytest.raises(NetworkError, match=f"^pinging {re.escape(uri)}: ") as caught:
        await pair.backend.ping("alice", uri, 5.0)
    assert "pjsua_" not in str(caught.value)
    del caught  # its traceback holds ping()'s frame, and so the future
    await settle_garbage()
    assert loop_errors == []
    assert (await pair.backend.ping("alice", pair.contacts["bob"], 10.0)).code == 200


async def test_ping_refused_connection_is_a_network_error(
    pair: Lab, loop_errors: list[dict[str, object]]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match="Connection refused"):
        await pair.backend.ping("alice", f"sip:x@127.0.0.1:{port};transport=tcp", 5.0)
    await settle_garbage()  # pytest.raises without ``as`` keeps no traceback alive
    assert loop_errors == []


async def test_ping_server_hanging_up_is_a_network_error_not_a_response(pair: Lab) -> None:
    """A 503 that pjsip makes up for a closed connection is no answer from the server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]

        def hang_up() -> None:
            conn, _ = server.accept()
            conn.recv(65536)  # read the OPTIONS: a close with unread data would be a reset
            time.sleep(0.05)  # well past the old "rtt < 1 ms means local" guess
            conn.close()

        closer = threading.Thread(target=hang_up, daemon=True)
        closer.start()
        with pytest.raises(NetworkError, match="the server closed the connection"):
            await pair.backend.ping("alice", f"sip:x@127.0.0.1:{port};transport=tcp", 5.0)
        closer.join(5)


async def test_late_answer_after_timeout_is_dropped(
    pair: Lab, loop_errors: list[dict[str, object]]
) -> None:
    with pytest.raises(Timeout):
        await pair.backend.ping("alice", "sip:x@127.0.0.1:9", 0.2)
    await settle_garbage()
    assert loop_errors == []
    assert (await pair.backend.ping("alice", pair.contacts["bob"], 10.0)).code == 200


def _raw_message(contact: str, body: bytes, content_type: str, length: int | None = None) -> bytes:
    host, port = contact.strip("<>").split("@", 1)[1].split(";", 1)[0].rsplit(":", 1)
    head = (
        f"MESSAGE sip:bob@{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK{uuid.uuid4().hex}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:probe@127.0.0.1>;tag={uuid.uuid4().hex[:8]}\r\n"
        f"To: <sip:bob@{host}:{port}>\r\n"
        f"Call-ID: {uuid.uuid4().hex}\r\n"
        "CSeq: 1 MESSAGE\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    )
    return head.encode() + body


@pytest.mark.parametrize(
    ("body", "content_type", "shown", "warned"),
    [
        (b"\xff\xfe\xfa", "text/plain; charset=utf-8", "\ufffd\ufffd\ufffd", True),
        (b"Jos\xe9 Garc\xeda", 'text/plain;charset="ISO-8859-1"', "José García", False),
        (b"caf\xc3\xa9 \xff", "text/plain", "café \ufffd", True),
    ],
)
async def test_incoming_body_that_is_not_utf8_keeps_its_bytes(
    pair: Lab, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str, shown: str,
    warned: bool,
) -> None:
    """The bytes that arrived are kept (``raw``); ``body`` is what they read as."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(_raw_message(pair.contacts["bob"], body, content_type),
                    ("127.0.0.1", int(pair.contacts["bob"].rsplit(":", 1)[1].rstrip(">"))))
    got = await pair.events.wait(lambda e: isinstance(e, MessageReceived))
    assert got.message.body == shown
    assert got.message.raw == body
    assert got.message.data == body
    assert not got.message.truncated
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []
    warnings = [r for r in caplog.records if "body is not valid" in r.getMessage()]
    assert len(warnings) == (1 if warned else 0)


async def test_content_length_lie_is_flagged_truncated(pair: Lab) -> None:
    bob = pair.contacts["bob"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(_raw_message(bob, b"short", "text/plain", length=5000),
                    ("127.0.0.1", int(bob.rsplit(":", 1)[1].rstrip(">"))))
    got = await pair.events.wait(lambda e: isinstance(e, MessageReceived))
    assert got.message.truncated
    assert got.message.raw == b""  # valid UTF-8: ``body`` holds the bytes
