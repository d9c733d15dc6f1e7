"""pjsua maps sockets with RFC 5389 STUN once STUN servers are configured (stun2.py): a
server that ignores classic RFC 3489 requests, as coturn does, still maps our RTP."""

from __future__ import annotations

import pytest

from tests.sip.helpers import Events, call_is
from tests.support.stunserver import StunServer
from tuiphone.model.account import AccountConfig
from tuiphone.model.backend import BackendSettings
from tuiphone.model.call import CallState
from tuiphone.model.events import IncomingCall
from tuiphone.sip import PjBackend, stun2

pytestmark = pytest.mark.pjsua


async def test_rtp_is_mapped_with_rfc5389_requests() -> None:
    with StunServer() as stun:
        backend, events = PjBackend(), Events()
        settings = BackendSettings(stun_servers=(stun.address,), nameservers=("127.0.0.1",))
        await backend.start(settings, events)
        try:
            expected = stun2.Expected(4, settings.nameservers, settings.stun_servers)
            assert await backend.run_in_stack(lambda _core: stun2.enabled(expected))
            other = stun2.Expected(4, settings.nameservers, ("127.0.0.1:9",))
            assert not await backend.run_in_stack(lambda _core: stun2.enabled(other))
            await backend.add_account(AccountConfig(id="a", uri="sip:a@127.0.0.1"), None)
            bob = await backend.add_account(AccountConfig(id="b", uri="sip:b@127.0.0.1"), None)
            before = stun.seen["rfc5389"]
            call = await backend.make_call("a", bob)
            incoming = await events.wait(lambda e: isinstance(e, IncomingCall))
            await backend.answer(incoming.call.id)
            await events.wait(call_is(call, CallState.CONNECTED))
            assert stun.seen["rfc5389"] > before  # the RTP sockets were mapped
            assert stun.seen["rfc3489"] == 0
            await backend.hangup(call)
        finally:
            await backend.stop()
