"""Commands run through the one table against an in-process Phone on the FakeBackend."""

from __future__ import annotations

import asyncio
import json

import pytest

from tuiphone.commands.errors import CallRefused, ExpectationFailed, Unsupported
from tuiphone.commands.runner import list_commands, run_line
from tuiphone.commands.table import COMMANDS
from tuiphone.model.call import CallState
from tuiphone.model.codec import dumps
from tuiphone.model.errors import NotFound, Timeout, UsageError


async def subscribed(phone, count: int) -> None:
    """Yield to the loop until ``count`` event subscribers exist (a condition, not a delay)."""
    for _ in range(10_000):
        if len(phone.bus._queues) >= count:
            return
        await asyncio.sleep(0)
    raise AssertionError("the waiter never subscribed")


async def test_status_lists_accounts_and_is_json_serialisable(phone):
    result = await run_line(phone, "status")
    assert [a["id"] for a in result["accounts"]] == ["local", "bob", "work"]
    assert json.loads(dumps(result))["engine"] == "in-process"


async def test_busy_call_is_refused_with_its_report(phone):
    with pytest.raises(CallRefused) as info:
        await run_line(phone, "call sip:busy@example.com")
    assert info.value.code == 486
    assert info.value.result["result"] == "failed"


async def test_expect_names_the_refusal(phone):
    report = await run_line(phone, "call sip:busy@example.com --expect 486")
    assert report["status_code"] == 486


async def test_expect_code_but_answered_is_an_unmet_expectation(phone):
    with pytest.raises(ExpectationFailed):
        await run_line(phone, "call echo --expect 486")


async def test_echo_call_reports_media_and_echoed_dtmf(phone):
    report = await run_line(phone, "call echo --dtmf 12 --expect-dtmf 12")
    assert report["result"] == "answered"
    assert report["dtmf_received"] == "12"
    assert report["codec"] == "PCMU"
    assert report["mos"] is not None


async def test_min_mos_above_what_is_possible_fails(phone):
    with pytest.raises(ExpectationFailed, match="MOS"):
        await run_line(phone, "call echo --min-mos 4.9")


async def test_call_timeout_hangs_up(phone):
    with pytest.raises(Timeout):
        await run_line(phone, "call sip:noanswer@example.com --timeout 0.05")
    assert phone.state().calls == ()


async def test_srtp_on_a_given_engine_is_unsupported(phone):
    with pytest.raises(Unsupported):
        await run_line(phone, "call echo --srtp mandatory")


async def test_bad_header_is_a_usage_error(phone):
    with pytest.raises(UsageError, match="Name: value"):
        await run_line(phone, "call echo -H nocolon")


async def test_answer_hangup_between_two_local_accounts(phone):
    placed = await phone.call("sip:me@127.0.0.1", "bob")
    incoming = await run_line(phone, "wait call incoming --timeout 5")
    assert incoming["match"]["direction"] == "incoming"
    answered = await run_line(phone, f"answer {incoming['match']['id']}")
    assert answered.id == incoming["match"]["id"]
    await run_line(phone, "wait call connected --timeout 5")
    ended = asyncio.ensure_future(run_line(phone, "wait call ended --timeout 5"))
    await subscribed(phone, 1)
    assert (await run_line(phone, f"hangup {placed.id}"))["hung_up"] == 1
    assert (await ended)["match"]["state"] == "ended"


async def test_wait_registered_sees_the_fake_registration(phone):
    result = await run_line(phone, "--account work wait registered --timeout 5")
    assert result["match"]["reg_state"] == "registered"


async def test_wait_registered_picks_the_first_registering_account(phone):
    result = await run_line(phone, "wait registered --timeout 5")
    assert result["match"]["id"] == "work"


async def test_wait_registered_on_a_direct_account_is_a_usage_error(phone):
    with pytest.raises(UsageError, match="does not register"):
        await run_line(phone, "--account local wait registered")


async def test_wait_times_out(phone):
    with pytest.raises(Timeout, match="not within"):
        await run_line(phone, "wait call incoming --timeout 0.05")


async def test_wait_dtmf_matches_a_sequence(phone):
    waiter = asyncio.ensure_future(run_line(phone, "wait dtmf 42 --timeout 5"))
    await subscribed(phone, 1)
    call = await phone.call("sip:me@127.0.0.1", "bob")
    incoming = await run_line(phone, "wait call incoming --timeout 5")
    await phone.answer(incoming["match"]["id"])
    await run_line(phone, "wait call connected --timeout 5")
    await phone.dtmf("1427", call.id)
    result = await waiter
    assert "42" in result["match"]["digits"]


async def test_wait_message_from_a_peer(phone):
    waiter = asyncio.ensure_future(run_line(phone, "wait message --from bob --timeout 5"))
    await subscribed(phone, 1)
    await run_line(phone, "--account bob message sip:me@127.0.0.1 hello")
    result = await waiter
    assert result["match"]["body"] == "hello"


async def test_wait_lamp_checks_the_state_name(phone):  # more in test_lamps.py
    with pytest.raises(UsageError):
        await run_line(phone, "wait lamp sip:bob@example.com sleepy")


async def test_message_to_nobody_is_refused(phone):
    from tuiphone.model.errors import SipError

    with pytest.raises(SipError) as info:
        await run_line(phone, "message sip:nobody@example.com hi")
    assert info.value.code == 404


async def test_ping_reports_rtt_and_counts(phone):
    result = await run_line(phone, "ping sip:alice@example.com --count 2 --interval 0")
    assert result["received"] == 2
    assert result["rtt_avg_ms"] == pytest.approx(0.1)


async def test_unknown_call_id_is_not_found(phone):
    with pytest.raises(NotFound):
        await run_line(phone, "hangup c99")


async def test_unknown_command_and_bad_option_are_usage_errors(phone):
    with pytest.raises(UsageError):
        await run_line(phone, "fly me to the moon")
    with pytest.raises(UsageError):
        await run_line(phone, "ping sip:a@b --count many")


async def test_history_after_a_call(phone):
    await run_line(phone, "call echo")
    rows = await run_line(phone, "history --limit 5")
    assert rows
    assert rows[0]["code"] == 200


def test_every_command_is_listed_with_usage():
    listed = {c.name for c in list_commands()}
    assert listed == {c.name for c in COMMANDS}
    assert all(c.usage.startswith("usage:") for c in list_commands())


def test_call_states_match_the_wait_choices():
    from tuiphone.commands.checks.conditions import call_state

    for state in CallState:
        assert call_state(state.value).text.endswith(state.value)
