"""Call handling rules through the engine over the FakeBackend: DND, forwarding, the
blocklist, anonymous rejection, dialling rewrites; and the pure screen."""

from __future__ import annotations

import asyncio
import re

import pytest

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.screening import LineRules, blocked_by, caller_parts, screen
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import NotFound
from tuiphone.model.events import CallChanged, DndChanged, IncomingCall
from tuiphone.model.rules import CallRules, DialRule, RuleAction
from tuiphone.model.trust import CallerIdentity, Vouch

BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1")


def alice(**rules) -> AccountConfig:
    return AccountConfig(id="alice", uri="sip:alice@127.0.0.1",
                         voicemail=rules.pop("voicemail", None), rules=CallRules(**rules))


async def started(*accounts: AccountConfig) -> Phone:
    phone = Phone(EngineSetup(accounts=accounts, echo_line=False), FakeBackend())
    await phone.start()
    return phone


class Seen:
    """Every event from now on, and a way to wait for one."""

    def __init__(self, phone: Phone) -> None:
        self.events: list = []
        self._changed = asyncio.Event()
        self._task = asyncio.ensure_future(self._follow(phone.events()))

    async def _follow(self, sub) -> None:
        async for ev in sub:
            self.events.append(ev)
            self._changed.set()

    async def wait(self, match, timeout_s: float = 5.0):
        async def first():
            while True:
                for ev in self.events:
                    if match(ev):
                        return ev
                self._changed.clear()
                await self._changed.wait()
        return await asyncio.wait_for(first(), timeout_s)

    def close(self) -> None:
        self._task.cancel()


def ended(call_id: str):
    return lambda ev: (isinstance(ev, CallChanged) and ev.call.id == call_id
                       and ev.call.state is CallState.ENDED)


async def bob_calls_alice(phone: Phone, seen: Seen) -> CallChanged:
    call = await phone.call("sip:alice@127.0.0.1", account_id="bob")
    return await seen.wait(ended(call.id))


def incoming_for_alice(ev) -> bool:
    return isinstance(ev, IncomingCall) and ev.call.account_id == "alice"


async def test_dnd_answers_486_without_ringing_and_history_says_why():
    phone = await started(alice(), BOB)
    seen = Seen(phone)
    try:
        assert await phone.set_dnd(True, "alice") == ["alice"]
        assert (await seen.wait(lambda e: isinstance(e, DndChanged))).account_ids == ("alice",)
        assert phone.state().dnd == ("alice",)
        caller_end = await bob_calls_alice(phone, seen)
        assert caller_end.call.code == 486
        screened = await seen.wait(lambda e: isinstance(e, CallChanged)
                                   and e.call.account_id == "alice")
        assert screened.call.state is CallState.ENDED  # the only event of alice's leg
        assert screened.call.screened == "do not disturb (486)"
        assert not any(incoming_for_alice(e) for e in seen.events)  # never rang
        history = await phone.history()
        assert {h.reason for h in history if h.account_id == "alice"} == {
            "do not disturb (486)"}
        await phone.set_dnd(False)
        assert phone.state().dnd == ()
        call = await phone.call("sip:alice@127.0.0.1", account_id="bob")
        await seen.wait(incoming_for_alice)  # rings again
        await phone.hangup(call.id)
    finally:
        seen.close()
        await phone.stop()


async def test_dnd_from_config_and_voicemail_action():
    phone = await started(alice(dnd=True, dnd_action=RuleAction.VOICEMAIL,
                                voicemail="*98"), BOB)
    seen = Seen(phone)
    try:
        assert phone.state().dnd == ("alice",)
        caller_end = await bob_calls_alice(phone, seen)
        assert caller_end.call.code == 302
        leg = await seen.wait(lambda e: isinstance(e, CallChanged)
                              and e.call.account_id == "alice")
        assert leg.call.screened == "do not disturb: to voicemail → sip:*98@127.0.0.1"
    finally:
        seen.close()
        await phone.stop()


async def test_blocklist_rejects_603_and_others_still_ring():
    phone = await started(alice(blocklist=("bob@127.0.0.*",)), BOB,
                          AccountConfig(id="carol", uri="sip:carol@127.0.0.1"))
    seen = Seen(phone)
    try:
        caller_end = await bob_calls_alice(phone, seen)
        assert caller_end.call.code == 603
        call = await phone.call("sip:alice@127.0.0.1", account_id="carol")
        assert (await seen.wait(incoming_for_alice)).call.remote_uri == "sip:carol@127.0.0.1"
        await phone.hangup(call.id)
    finally:
        seen.close()
        await phone.stop()


async def test_forward_always_and_busy():
    phone = await started(alice(forward_always="sip:desk@127.0.0.1"), BOB)
    seen = Seen(phone)
    try:
        caller_end = await bob_calls_alice(phone, seen)
        assert caller_end.call.code == 302
    finally:
        seen.close()
        await phone.stop()
    phone = await started(alice(forward_busy="sip:desk@127.0.0.1"), BOB,
                          AccountConfig(id="carol", uri="sip:carol@127.0.0.1"))
    seen = Seen(phone)
    try:
        first = await phone.call("sip:alice@127.0.0.1", account_id="bob")
        ring = await seen.wait(incoming_for_alice)
        await phone.answer(ring.call.id)
        await seen.wait(lambda e: isinstance(e, CallChanged) and e.call.id == first.id
                        and e.call.state is CallState.CONNECTED)
        second = await phone.call("sip:alice@127.0.0.1", account_id="carol")
        assert (await seen.wait(ended(second.id))).call.code == 302  # busy: forwarded
        await phone.hangup(first.id)
    finally:
        seen.close()
        await phone.stop()


async def test_forward_on_no_answer_after_the_set_time():
    phone = await started(alice(forward_no_answer="sip:desk@127.0.0.1", no_answer_s=1), BOB)
    seen = Seen(phone)
    try:
        call = await phone.call("sip:alice@127.0.0.1", account_id="bob")
        ring = await seen.wait(incoming_for_alice)
        assert not ring.call.screened  # it rings first
        leg_end = await seen.wait(ended(ring.call.id), timeout_s=10)
        assert leg_end.call.screened == "forwarded (no answer) → sip:desk@127.0.0.1"
        assert (await seen.wait(ended(call.id))).call.code == 302
    finally:
        seen.close()
        await phone.stop()


async def test_dialling_rules_rewrite_and_preview():
    rule = DialRule(re.compile(r"0(\d+)"), r"+49\1")
    phone = await started(AccountConfig(id="alice", uri="sip:alice@pbx.test",
                                        rules=CallRules(dial_rules=(rule,))))
    try:
        assert await phone.dial_preview("030 1234-5") == "sip:+493012345@pbx.test"
        assert await phone.dial_preview("0301,99") == "sip:+49301@pbx.test"
        assert await phone.dial_preview("sip:0301@x.test") == "sip:0301@x.test"  # a URI: kept
        assert await phone.dial_preview("100") == "sip:100@pbx.test"  # no match: kept
        call = await phone.call("0301")
        assert call.remote_uri == "sip:+49301@pbx.test"
    finally:
        await phone.stop()


async def test_dnd_for_an_unknown_account_is_not_found():
    phone = await started(alice())
    try:
        with pytest.raises(NotFound):
            await phone.set_dnd(True, "nobody")
    finally:
        await phone.stop()


# the pure screen

def incoming(uri: str, name: str = "", vouch: Vouch | None = None) -> CallInfo:
    identity = CallerIdentity(vouch) if vouch else None
    return CallInfo("c1", "alice", Direction.INCOMING, uri, CallState.INCOMING,
                    remote_name=name, identity=identity)


def test_caller_parts_normalise_numbers_and_hosts():
    assert caller_parts("sip:+49 (30) 123-4@PBX.test;user=phone") == ("+49301234",
                                                                       "+49301234@pbx.test")
    assert caller_parts("tel:+4930") == ("+4930", "+4930")


@pytest.mark.parametrize(("pattern", "uri", "hit"), [
    ("+4930*", "sip:+49301234@pbx", True),
    ("+4930*", "sip:+49891234@pbx", False),
    ("+49 30 *", "sip:+49301234@pbx", True),
    ("*@spam.example", "sip:x@SPAM.example", True),
    ("sip:bob@pbx", "sip:bob@pbx", True),
    ("anonymous", "sip:anonymous@anonymous.invalid", True),
    ("anonymous", "sip:bob@pbx", False),
])
def test_blocklist_patterns(pattern, uri, hit):
    assert (blocked_by(incoming(uri), (pattern,)) is not None) is hit


def test_rule_order_and_actions():
    line = LineRules(CallRules(blocklist=("666",), reject_anonymous=True,
                               unverified_action=RuleAction.VOICEMAIL,
                               forward_busy="x"), dnd=True,
                     voicemail="sip:vm@pbx", forward_busy="sip:x@pbx")
    assert screen(incoming("sip:666@pbx"), line, busy=False).code == 603
    assert screen(incoming("sip:anonymous@anonymous.invalid"), line, False).code == 433
    failed = screen(incoming("sip:1@pbx", vouch=Vouch.FAILED), line, False)
    assert (failed.code, failed.target) == (302, "sip:vm@pbx")
    assert screen(incoming("sip:1@pbx", vouch=Vouch.PASSED), line, False).code == 486
    no_dnd = LineRules(line.rules, dnd=False, forward_busy="sip:x@pbx")
    assert screen(incoming("sip:1@pbx"), no_dnd, busy=False) is None
    assert screen(incoming("sip:1@pbx"), no_dnd, busy=True).target == "sip:x@pbx"
    unverified_reject = LineRules(CallRules(unverified_action=RuleAction.REJECT), dnd=False)
    assert screen(incoming("sip:1@pbx", vouch=Vouch.FAILED), unverified_reject,
                  False).code == 608
    # voicemail without a box falls back to rejecting
    assert screen(incoming("sip:1@pbx"), LineRules(CallRules(
        dnd_action=RuleAction.VOICEMAIL), dnd=True), False).code == 486


async def test_dnd_survives_the_account_being_replaced():
    phone = await started(alice(), BOB)
    try:
        await phone.set_dnd(True, "alice")
        await phone.replace_account(alice(forward_busy="sip:x@127.0.0.1"))
        assert phone.state().dnd == ("alice",)
    finally:
        await phone.stop()
