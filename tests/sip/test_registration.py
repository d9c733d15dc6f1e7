"""Registration against a tiny digest registrar, and a refused TCP peer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.sip.conftest import Lab
from tests.sip.helpers import call_is
from tests.sip.registrar import Registrar, start_registrar
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.call import CallState
from tuiphone.model.events import RegistrationChanged, SipTrace

pytestmark = pytest.mark.pjsua


@pytest.fixture
async def registrar() -> AsyncIterator[Registrar]:
    reg = await start_registrar({"alice": "secret"})
    yield reg
    assert reg.transport is not None
    reg.transport.close()


def cfg(reg: Registrar, user: str = "alice") -> AccountConfig:
    return AccountConfig(
        id=user, uri=f"sip:{user}@127.0.0.1", registrar=f"sip:127.0.0.1:{reg.port}"
    )


def reg_is(state: RegState):  # noqa: ANN201
    return lambda e: isinstance(e, RegistrationChanged) and e.account.reg_state is state


async def test_register_and_unregister(lab: Lab, registrar: Registrar) -> None:
    await lab.backend.add_account(cfg(registrar), "secret")
    ok = await lab.events.wait(reg_is(RegState.REGISTERED))
    assert (ok.account.code, ok.account.expires) == (200, 300)
    assert ok.account.contact.startswith("sip:alice@127.0.0.1:")
    await lab.backend.set_registration("alice", False)
    gone = await lab.events.wait(reg_is(RegState.UNREGISTERED))
    assert gone.account.code == 200


async def test_wrong_password_fails_once(lab: Lab, registrar: Registrar) -> None:
    await lab.backend.add_account(cfg(registrar), "wrong")
    failed = await lab.events.wait(reg_is(RegState.FAILED))
    assert failed.account.code == 401
    await lab.backend.sync()
    # one plain REGISTER and one answer to the challenge; the retry waits 10+ s
    assert len(registrar.registers) == 2
    assert (
        len(
            [
                e
                for e in lab.events.items
                if isinstance(e, RegistrationChanged) and e.account.reg_state is RegState.FAILED
            ]
        )
        == 1
    )


async def test_password_never_in_trace(lab: Lab, registrar: Registrar) -> None:
    await lab.backend.add_account(cfg(registrar), "secret")
    await lab.events.wait(reg_is(RegState.REGISTERED))
    texts = [e.entry.text for e in lab.events.of(SipTrace)]
    assert any("Authorization: Digest" in t for t in texts)
    assert not any("secret" in t for t in texts)


async def test_stop_unregisters(lab: Lab, registrar: Registrar) -> None:
    await lab.backend.add_account(cfg(registrar), "secret")
    await lab.events.wait(reg_is(RegState.REGISTERED))
    before = len(registrar.registers)
    await lab.backend.stop()
    assert len(registrar.registers) > before
    assert "Expires: 0" in registrar.registers[-1] or "expires=0" in registrar.registers[-1]


async def test_registrar_refuses_tcp(lab: Lab) -> None:
    bad = AccountConfig(id="r", uri="sip:r@127.0.0.1", registrar="sip:127.0.0.1:9;transport=tcp")
    await lab.backend.add_account(bad, "pw")
    failed = await lab.events.wait(reg_is(RegState.FAILED))
    assert failed.account.code == 503


async def test_call_to_refusing_tcp_peer_ends_503(lab: Lab) -> None:
    await lab.add("alice")
    cid = await lab.backend.make_call("alice", "sip:x@127.0.0.1:9;transport=tcp")
    ended = await lab.events.wait(call_is(cid, CallState.ENDED))
    assert ended.call.code == 503
