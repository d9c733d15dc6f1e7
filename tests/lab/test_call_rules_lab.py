"""Call handling rules against the lab: a foreign caller (SIPp) reaches alice through
Kamailio, and the rule's answer (603, 433, 486, 302 with the target) comes back through
the proxy while alice's phone never rings; pjsua2 does the screening on its own thread."""

from __future__ import annotations

import asyncio
import re

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.lab.sipp import scenario
from tuiphone.model.account import RegState
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, IncomingCall
from tuiphone.model.rules import CallRules, RuleAction

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def call_alice(kamailio, sipp_factory, caller: str, tmp_path, verstat: str = "") -> str:
    """One SIPp call from ``caller`` to alice through Kamailio (with a carrier's
    P-Asserted-Identity, and its STIR/SHAKEN ``verstat`` if given); the messages it saw."""
    msgs = tmp_path / f"messages-{caller.strip('+')}-{verstat}.log"
    pai = f"<sip:{caller}@carrier.test;user=phone{';verstat=' + verstat if verstat else ''}>"
    uac = sipp_factory.uac(
        f"{kamailio.host}:{kamailio.port}", service="alice",
        scenario_file=scenario("uac_screened"),
        extra=("-key", "caller", caller, "-key", "pai", pai,
               "-trace_msg", "-message_file", str(msgs)))
    code = await asyncio.to_thread(uac.wait, 60)
    assert code == 0, uac.log_tail()
    return msgs.read_text(errors="replace")


def screened_end(event) -> bool:
    return (isinstance(event, CallChanged) and bool(event.call.screened)
            and event.call.state is CallState.ENDED)


def final(messages: str) -> str:
    found = re.findall(r"^SIP/2\.0 ([3-6]\d\d)[^\r\n]*", messages, re.M)
    assert found, messages[-2000:]
    return found[-1]


async def test_foreign_callers_get_the_rules_answer_and_alice_never_rings(
        kamailio, sipp_factory, phone_factory, tmp_path):
    rules = CallRules(blocklist=("+4930*",), reject_anonymous=True,
                      unverified_action=RuleAction.REJECT)
    alice = lab_account(kamailio, "alice", rules=rules)
    phone = await phone_factory(alice)
    watch = Watch(phone)
    assert (await watch.settled(phone, "alice")).reg_state is RegState.REGISTERED

    assert final(await call_alice(kamailio, sipp_factory, "+49301234", tmp_path)) == "603"
    assert final(await call_alice(kamailio, sipp_factory, "anonymous", tmp_path)) == "433"
    assert final(await call_alice(kamailio, sipp_factory, "+4940111", tmp_path,
                                  "TN-Validation-Failed")) == "608"
    await phone.set_dnd(True, "alice")
    assert final(await call_alice(kamailio, sipp_factory, "+4989555", tmp_path)) == "486"
    await phone.set_dnd(False, "alice")

    for _ in range(4):  # every screened call ends, and nothing rang before it
        await watch.wait(screened_end)
    assert not any(isinstance(e, IncomingCall) for e in watch.seen)
    reasons = sorted(h.reason for h in await phone.history())
    assert reasons == ["anonymous call rejected (433)", "blocked (+4930*) (603)",
                       "caller verification failed (608)", "do not disturb (486)"]


async def test_forwarding_answers_302_with_the_target(kamailio, sipp_factory, phone_factory,
                                                      tmp_path):
    target = f"sip:carol@{kamailio.domain}"
    alice = lab_account(kamailio, "alice", rules=CallRules(forward_always=target))
    phone = await phone_factory(alice)
    watch = Watch(phone)
    assert (await watch.settled(phone, "alice")).reg_state is RegState.REGISTERED
    messages = await call_alice(kamailio, sipp_factory, "+4989555", tmp_path)
    assert final(messages) == "302"
    assert re.search(rf"^Contact:\s*<{re.escape(target)}>", messages, re.M), messages[-2000:]
    ended = await watch.wait(screened_end)
    assert ended.call.screened == f"forwarded → {target}"
    assert not any(isinstance(e, IncomingCall) for e in watch.seen)
