"""Codec order per call against SIPp: pjsua keeps one order for the process, so each
call sets it before its offer. An account's ``codecs`` lead its own calls' offers only;
the others offer G.722, PCMA, PCMU first. ``codecs`` says the same before a call."""

from __future__ import annotations

import re
from dataclasses import replace

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, direct_account
from tuiphone.model.call import CallState

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
PAYLOAD = {"PCMU": "0", "PCMA": "8", "G722": "9"}


def offers(messages: str) -> list[list[str]]:
    """The payload types of every INVITE's m=audio line, in order."""
    found = []
    for invite in re.split(r"(?=^INVITE )", messages, flags=re.M)[1:]:
        m = re.search(r"^m=audio \d+ RTP/AVP ([\d ]+)", invite, re.M)
        if m:
            found.append(m.group(1).split())
    return found


async def test_each_accounts_calls_offer_its_own_order(sipp_factory, phone_factory, tmp_path):
    msgs = tmp_path / "uas-messages.log"
    uas = sipp_factory.uas(calls=3, extra=("-trace_msg", "-message_file", str(msgs)))
    narrow = replace(direct_account("narrow"), uri="sip:narrow@127.0.0.1", codecs=("PCMU",))
    phone = await phone_factory(narrow, direct_account("plain"))
    assert (await phone.codecs("narrow"))[0] == "PCMU/8000/1"
    assert (await phone.codecs("plain"))[:3] == ["G722/16000/1", "PCMA/8000/1", "PCMU/8000/1"]
    watch = Watch(phone)
    for account in ("narrow", "plain", "narrow"):  # the middle call must not inherit PCMU
        call = await phone.call(f"sip:echo@{uas.uri_host}", account_id=account)
        await watch.call_state(call.id, CallState.CONNECTED)
        await phone.hangup(call.id)
        await watch.call_state(call.id, CallState.ENDED)
    assert uas.wait(60) == 0, uas.log_tail()
    first = [o[0] for o in offers(msgs.read_text(errors="replace"))]
    assert first == [PAYLOAD["PCMU"], PAYLOAD["G722"], PAYLOAD["PCMU"]]
