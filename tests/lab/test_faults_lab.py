"""Faults around a registered engine on the real backend: the registrar (Kamailio) dies
during a call, and the registration's TCP connection is reset.

The call's media is peer to peer, so it goes on without the registrar; the engine's
own retry (``register_backoff_s``) registers again as soon as the registrar is back,
without waiting for the next refresh."""

from __future__ import annotations

import asyncio
import subprocess

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.conftest import need_binary
from tests.lab.engine_harness import Watch, eventually, lab_account
from tuiphone.model.account import RegState, Transport
from tuiphone.model.call import CallState
from tuiphone.model.events import IncomingCall

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def rtp_flows(phone, call_id: str, packets: int = 25) -> int:
    """Waits until ``packets`` more RTP packets arrived on ``call_id``; the new count."""
    before = (await phone.call_stats(call_id)).rx_packets
    stats = await eventually(lambda: phone.call_stats(call_id),
                             lambda s: s.rx_packets >= before + packets, timeout_s=15)
    return int(stats.rx_packets)


async def test_registrar_killed_during_a_call(kamailio, baresip, phone_factory):
    phone = await phone_factory(lab_account(kamailio, "alice", expires=10),
                                register_backoff_s=(1.0, 2.0))
    watch = Watch(phone)
    assert (await watch.settled(phone, "alice")).reg_state is RegState.REGISTERED
    call = await phone.call(kamailio.aor("carol"))
    await watch.call_state(call.id, CallState.CONNECTED)
    await baresip.ctrl.await_event("CALL_ESTABLISHED")
    await rtp_flows(phone, call.id)

    kamailio.kill()  # SIGKILL: no goodbye to anyone
    failed = await watch.failed("alice", timeout_s=60)  # the refresh times out (32 s)
    assert failed.account.code in (0, 408, 503), failed.account  # type: ignore[union-attr]
    await rtp_flows(phone, call.id)  # the call is peer to peer: still both ways
    assert [c.state for c in phone.state().calls if c.id == call.id] == [CallState.CONNECTED]

    before = kamailio.count_requests("REGISTER", "alice")
    kamailio.start()  # same port, an empty location table
    await watch.registered("alice", timeout_s=20)  # the back-off retry, not a refresh
    assert kamailio.count_requests("REGISTER", "alice") > before
    await rtp_flows(phone, call.id)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)


async def test_tcp_reset_of_the_registration_connection_registers_again(kamailio,
                                                                        phone_factory):
    ss = need_binary("ss")
    phone = await phone_factory(lab_account(kamailio, "alice", transport=Transport.TCP,
                                            expires=300), lab_account(kamailio, "bob"),
                                register_backoff_s=(1.0,))
    watch = Watch(phone)
    for user in ("alice", "bob"):
        assert (await watch.settled(phone, user)).reg_state is RegState.REGISTERED
    before = kamailio.count_requests("REGISTER", "alice")
    # RST our end of the connection to the registrar (the kernel sends the reset)
    done = await asyncio.to_thread(
        subprocess.run, [ss, "-K", "-t", "dst", kamailio.host, "dport", "=", f":{kamailio.port}"],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert str(kamailio.port) in done.stdout, f"no connection was reset: {done.stdout}"
    await watch.registered("alice", timeout_s=20)  # long before the 300 s refresh
    assert kamailio.count_requests("REGISTER", "alice") > before
    # the registrar reaches alice over the new connection: bob's call rings there
    call = await phone.call(kamailio.aor("alice"), account_id="bob")
    incoming = await watch.wait(lambda e: isinstance(e, IncomingCall))
    await phone.answer(incoming.call.id)  # type: ignore[union-attr]
    await watch.call_state(call.id, CallState.CONNECTED)
    await phone.hangup(call.id)
