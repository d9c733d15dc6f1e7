"""SRTP, TCP and per-account transports, raw incoming traffic, restart, hooks."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.sip.conftest import Lab
from tests.sip.test_call_features import connect
from tuiphone.model.account import AccountConfig, Features, SrtpMode, Transport
from tuiphone.model.backend import BackendSettings
from tuiphone.model.errors import NetworkError
from tuiphone.model.events import MessageReceived, MessageStatus, MwiChanged, RegistrationChanged
from tuiphone.sip import PjBackend

pytestmark = pytest.mark.pjsua


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def send_raw(contact: str, text: str) -> None:
    host, port = contact.split("@", 1)[1].split(";", 1)[0].rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(text.replace("\n", "\r\n").encode(), (host, int(port)))


def raw_request(
    method: str, contact: str, headers: str, body: str, length: int | None = None
) -> str:
    size = len(body.encode()) if length is None else length
    return (
        f"{method} {contact} SIP/2.0\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-raw-" + method.lower() + "\n"
        "From: <sip:raw@127.0.0.1>;tag=r1\n"
        f"To: <{contact}>\n"
        f"Call-ID: raw-{method.lower()}@127.0.0.1\n"
        f"CSeq: 1 {method}\n"
        "Max-Forwards: 70\n"
        f"{headers}"
        f"Content-Length: {size}\n\n{body}"
    )


async def test_srtp_mandatory_call(lab: Lab) -> None:
    await lab.add("alice", srtp=SrtpMode.MANDATORY)
    await lab.add("bob", srtp=SrtpMode.MANDATORY)
    a, _ = await connect(lab)
    stats = await lab.backend.call_stats(a)
    assert stats.srtp.startswith("AES")


async def test_tcp_account_on_its_own_port(lab: Lab) -> None:
    port = free_port()
    contact = await lab.add("alice", transport=Transport.TCP, local_port=port)
    assert contact == f"sip:alice@127.0.0.1:{port};transport=tcp"
    await lab.add("bob", transport=Transport.TCP)
    assert lab.contacts["bob"].endswith(";transport=tcp")
    await connect(lab)


async def test_local_port_in_use_is_network_error(lab: Lab) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        with pytest.raises(NetworkError):
            await lab.add("alice", local_port=port)


async def test_tls_account_gets_a_transport(lab: Lab) -> None:
    contact = await lab.add("alice", transport=Transport.TLS, tls_verify=False)
    assert contact.endswith(";transport=tls")


async def test_truncated_incoming_message_is_flagged(pair: Lab) -> None:
    bob = pair.contacts["bob"]
    ok = raw_request("MESSAGE", bob, "Content-Type: text/plain\n", "short")
    send_raw(bob, ok)
    first = await pair.events.wait(lambda e: isinstance(e, MessageReceived))
    assert not first.message.truncated
    cut = raw_request("MESSAGE", bob, "Content-Type: text/plain\n", "x" * 3900, length=5000)
    send_raw(bob, cut.replace("raw-message", "raw-message2").replace("bK-raw-", "bK-raw2-"))
    second = await pair.events.wait(
        lambda e: isinstance(e, MessageReceived) and e.message is not first.message
    )
    assert second.message.truncated


MWI_HEADERS = (
    "Event: message-summary\nSubscription-State: active\n"
    "Content-Type: application/simple-message-summary\n"
)


async def test_unsolicited_mwi(lab: Lab) -> None:
    contact = await lab.add("alice", features=Features(mwi=True))
    body = "Messages-Waiting: yes\nVoice-Message: 3/1 (0/0)\n"
    send_raw(
        contact,
        raw_request(
            "NOTIFY",
            contact,
            MWI_HEADERS,
            body.replace("\n", "\r\n"),
        ),
    )
    mwi = await lab.events.wait(lambda e: isinstance(e, MwiChanged))
    assert (mwi.account_id, mwi.waiting, mwi.new, mwi.old) == ("alice", True, 3, 1)


async def test_restart_in_one_process(lab: Lab) -> None:
    await lab.add("alice")
    await lab.add("bob")
    await connect(lab)
    await lab.backend.stop()
    assert not lab.backend.running
    await lab.backend.start(BackendSettings(), lab.events)
    await lab.add("alice")
    await lab.add("bob")
    await connect(lab)


async def test_run_in_stack_and_poll_hook(lab: Lab) -> None:
    import threading

    ran = threading.Event()
    name = await lab.backend.run_in_stack(lambda core: threading.current_thread().name)
    assert name == "pjsip"
    await lab.backend.run_in_stack(lambda core: core.poll_hooks.append(ran.set))
    await lab.add("alice")  # any job wakes the poll; the hook runs after it
    await lab.backend.sync()
    await lab.backend.run_in_stack(lambda core: core.defer(lambda: None))
    assert ran.wait(5)


async def test_double_start_refused(lab: Lab) -> None:
    from tuiphone.model.errors import UsageError

    with pytest.raises(UsageError):
        await lab.backend.start(BackendSettings(), lab.events)
    assert isinstance(lab.events.items, list)
    assert not any(isinstance(e, RegistrationChanged) for e in lab.events.items)


async def test_stopped_backend_raises_backend_error() -> None:
    from tuiphone.model.errors import BackendError

    backend = PjBackend()
    with pytest.raises(BackendError):
        await backend.make_call("a", "sip:b@127.0.0.1")
    await backend.stop()  # idempotent


def test_account_config_default_direct() -> None:
    assert not AccountConfig(id="x", uri="sip:x@h").registers


async def test_second_backend_in_process_refused(lab: Lab) -> None:
    from tuiphone.model.errors import BackendError

    other = PjBackend()
    with pytest.raises(BackendError, match="one pjsua2 Endpoint"):
        await other.start(BackendSettings(), lambda e: None)
    await lab.add("alice")  # the first one is unharmed


async def test_failing_callback_does_not_kill_the_thread(pair: Lab) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("bug in a callback")

    def patch(core: object) -> None:
        core.pager.received = boom  # type: ignore[attr-defined]

    await pair.backend.run_in_stack(patch)
    await pair.backend.send_message("alice", pair.contacts["bob"], "hi", "text/plain", "m9")
    await pair.events.wait(lambda e: isinstance(e, MessageStatus) and e.message.id == "m9")
    result = await pair.backend.ping("alice", pair.contacts["bob"], 10.0)
    assert result.code == 200


def test_tls_config_trusts_the_system_store_unless_ca_file_is_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tuiphone.sip.tls import tls_config
    from tuiphone.sip.trust import system_ca_file

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    cfg = AccountConfig(id="x", uri="sip:x@h", transport=Transport.TLS)
    assert tls_config(cfg).CaListFile == system_ca_file()
    assert tls_config(cfg).verifyServer
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    own = AccountConfig(id="x", uri="sip:x@h", transport=Transport.TLS, ca_file=str(ca))
    assert tls_config(own).CaListFile == str(ca)


async def test_tls_account_with_a_missing_ca_file_is_refused(lab: Lab, tmp_path: Path) -> None:
    from tuiphone.model.errors import UsageError

    missing = tmp_path / "nope.pem"
    with pytest.raises(UsageError, match=f"alice: ca_file {missing}: No such file"):
        await lab.add("alice", transport=Transport.TLS, ca_file=str(missing))
    await lab.add("alice", transport=Transport.TLS, tls_verify=False)  # nothing half-made
