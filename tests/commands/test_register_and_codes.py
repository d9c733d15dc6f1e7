"""REGISTER reporting, and the one exception-to-exit-status table."""

from __future__ import annotations

import pytest

from tuiphone.commands.checks.regtrace import exchange, is_challenge
from tuiphone.commands.errors import CallRefused, ExpectationFailed, NoEngine, Unsupported
from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.runner import run_line
from tuiphone.control.errors import EngineNotRunning
from tuiphone.model import errors
from tuiphone.model.trace import TraceEntry


def _rx(first: str, cseq: str) -> TraceEntry:
    return TraceEntry(1.0, "rx", "UDP", "1.2.3.4:5060", f"{first}\r\nCSeq: {cseq}\r\n\r\n")


def test_challenges_are_401_or_407_answers_to_register():
    assert is_challenge(_rx("SIP/2.0 401 Unauthorized", "1 REGISTER"))
    assert is_challenge(_rx("SIP/2.0 407 Proxy Authentication Required", "2 REGISTER"))
    assert not is_challenge(_rx("SIP/2.0 401 Unauthorized", "1 INVITE"))
    assert not is_challenge(_rx("SIP/2.0 200 OK", "3 REGISTER"))
    tx = TraceEntry(1.0, "tx", "UDP", "x", "SIP/2.0 401 Unauthorized\r\nCSeq: 1 REGISTER\r\n")
    assert not is_challenge(tx)


async def test_register_reports_code_expiry_and_time(phone):
    result = await run_line(phone, "--account work register --timeout 5")
    assert result["status_code"] == 200
    assert result["expires"] == 300
    assert result["auth_challenges"] == 0
    assert result["time_ms"] >= 0


async def test_register_a_direct_account_is_a_usage_error(phone):
    with pytest.raises(errors.UsageError, match="no registrar"):
        await run_line(phone, "register")


@pytest.mark.parametrize(("err", "code"), [
    (ExpectationFailed("x"), 1),
    (errors.BackendError("x"), 1),
    (errors.UsageError("x"), 2),
    (errors.InvalidUri("x"), 2),
    (Unsupported("x"), 2),
    (errors.ConfigError(["f:1: k: bad"]), 2),
    (errors.Timeout("x"), 3),
    (errors.SipError(486, "Busy Here"), 4),
    (CallRefused(404, "Not Found"), 4),
    (errors.NetworkError("dns"), 5),
    (NoEngine("x"), 6),
    (EngineNotRunning("x"), 6),
])
def test_exit_code_table(err, code):
    assert exit_code(err) == code


def test_exchange_counts_challenges_and_times_the_transaction():
    def e(ts, direction, first):
        return TraceEntry(ts, direction, "UDP", "1.2.3.4:5060",
                          f"{first}\r\nCSeq: 1 REGISTER\r\n\r\n")

    trace = [e(9.0, "tx", "REGISTER sip:old SIP/2.0"),
             e(10.0, "tx", "REGISTER sip:x SIP/2.0"), e(10.01, "rx", "SIP/2.0 401 Unauthorized"),
             e(10.02, "tx", "REGISTER sip:x SIP/2.0"), e(10.05, "rx", "SIP/2.0 200 OK")]
    seen = exchange(trace, since=10.0)
    assert seen.challenges == 1
    assert seen.time_ms == pytest.approx(50.0)
    assert exchange([], since=0).time_ms is None


def test_private_engine_gets_the_echo_line_only_when_used():
    from tuiphone.commands.runner import parse_line
    from tuiphone.host.oneshot import needs_echo

    def needs(line: str) -> bool:
        return needs_echo(*parse_line(line))

    assert not needs("register")
    assert not needs("call sip:bob@example.com --dtmf 1")
    assert needs("call echo")
    assert needs("ping sip:echo@127.0.0.1:5060")
    assert needs("message ECHO hi")
    assert needs("wait lamp echo busy")
    assert needs("status")  # shows echo_uri
    assert needs("lamps")
    assert needs("pickup Test")  # a QuickDial entry may point at the echo line
