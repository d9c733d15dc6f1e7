"""liblinphone 5.1 sending CPIM with IMDN to tuiphone (its basic chat room, with CPIM turned
on through its account parameters): our delivery and display notifications reach it and
move its message to DeliveredToUser, then Displayed."""

from __future__ import annotations

import asyncio
import dataclasses

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.lab.test_files_linphone import ft, linphone  # noqa: F401 - fixtures
from tuiphone.model.account import Features, RegState
from tuiphone.model.events import MessageReceived

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
DELIVERED_TO_USER, DISPLAYED = 6, 7  # LinphoneChatMessageState


def _states(lines: list[dict[str, object]]) -> list[object]:
    return [x["sent_state"] for x in lines if "sent_state" in x]


async def test_linphone_cpim_message_gets_our_delivery_and_display_receipts(
        kamailio, phone_factory, linphone, ft):  # noqa: F811 - fixtures
    acc = dataclasses.replace(lab_account(kamailio, "alice"),
                              features=Features(read_receipts=True))
    phone = await phone_factory(acc)
    watch = Watch(phone)
    state = await watch.settled(phone, "alice")
    assert state.reg_state is RegState.REGISTERED, f"{state.code} {state.reason}"
    peer = await asyncio.to_thread(linphone, kamailio, "carol", ft, "--text",
                                   kamailio.aor("alice"), "hello from liblinphone", "--cpim")
    got = await watch.wait(lambda e: isinstance(e, MessageReceived), 30)
    msg = got.message  # type: ignore[union-attr]
    assert msg.body == "hello from liblinphone"
    assert msg.content_type == "text/plain"
    assert msg.imdn_id  # it came in CPIM with an imdn.Message-ID ...
    assert "positive-delivery" in msg.notify  # ... asking for receipts
    assert {"cpim": True} in peer.lines()
    await asyncio.to_thread(peer.wait, lambda lines: DELIVERED_TO_USER in _states(lines),
                            "liblinphone's message DeliveredToUser (our IMDN)")
    assert DISPLAYED not in _states(peer.lines())  # not before we read it
    assert await phone.mark_read(msg.peer) == 1
    await asyncio.to_thread(peer.wait, lambda lines: DISPLAYED in _states(lines),
                            "liblinphone's message Displayed (our IMDN)")
