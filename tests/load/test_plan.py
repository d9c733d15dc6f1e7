"""``tuiphone load`` on the command line: the plan it makes, and the usage it refuses."""

from __future__ import annotations

import pytest

from tuiphone.cli.parser import build_parser, parser_for
from tuiphone.load.plan import LoadPlan, plan_from
from tuiphone.model.errors import UsageError


def plan(*words: str) -> LoadPlan:
    argv = list(words)
    return plan_from(parser_for(argv).parse_args(argv))


def test_defaults():
    p = plan("load", "sip:x@192.0.2.1")
    assert (p.uri, p.calls, p.rate, p.concurrent, p.duration_s) == ("sip:x@192.0.2.1", 10,
                                                                      1.0, 4, 2.0)
    assert p.accounts == ()
    assert p.workers == 1
    assert p.account_for(3) is None
    assert (p.json, p.config, p.min_asr, p.min_mos, p.play) == (False, None, None, None, None)


def test_workers_are_four_calls_each_and_never_more_than_the_calls_need():
    assert plan("load", "u", "--concurrent", "8", "--calls", "20").workers == 2
    assert plan("load", "u", "-l", "9", "-n", "20").workers == 3
    assert plan("load", "u", "--concurrent", "40", "--calls", "5").workers == 2


def test_a_high_rate_gets_more_workers_each_starting_at_most_30_calls_a_second():
    # an engine aborts at about 55 call starts a second (64 sockets, freed 500 ms late)
    assert plan("load", "u", "-l", "8", "-n", "200", "-r", "30").workers == 2
    assert plan("load", "u", "-l", "8", "-n", "200", "-r", "150").workers == 5
    assert plan("load", "u", "-l", "8", "-n", "3", "-r", "150").workers == 3
    assert plan("load", "u", "-l", "4", "-n", "9999", "-r", "1500").workers == 50


def test_accounts_repeat_and_take_turns():
    p = plan("load", "u", "--account", "a", "--account", "b", "--json")
    assert p.accounts == ("a", "b")
    assert [p.account_for(n) for n in (1, 2, 3)] == ["a", "b", "a"]
    assert p.json


def test_global_options_before_the_command_count_too():
    p = plan("--account", "work", "--config", "x.toml", "--json", "load", "u")
    assert (p.accounts, p.config, p.json) == (("work",), "x.toml", True)


def test_play_is_made_absolute(tmp_path, monkeypatch):
    (tmp_path / "a.wav").write_bytes(b"RIFF")
    monkeypatch.chdir(tmp_path)
    assert plan("load", "u", "--play", "a.wav").play == str(tmp_path / "a.wav")


@pytest.mark.parametrize(("words", "message"), [
    (("--calls", "0"), "--calls"),
    (("--rate", "0"), "--rate"),
    (("--rate", "1501"), "--rate must be at most 1500"),
    (("--concurrent", "0"), "--concurrent"),
    (("--concurrent", "201"), "--concurrent"),
    (("--duration", "-1"), "--duration"),
    (("--timeout", "0"), "--timeout"),
    (("--min-asr", "101"), "--min-asr"),
    (("--min-mos", "6"), "--min-mos"),
    (("--play", "/nonexistent/x.wav"), "--play"),
])
def test_usage_errors(words, message):
    with pytest.raises(UsageError, match=message):
        plan("load", "sip:x@192.0.2.1", *words)


def test_the_full_parser_knows_load():
    ns = build_parser().parse_args(["load", "sip:x@192.0.2.1", "-r", "5"])
    assert ns.front_end == "load"
    assert ns.rate == 5.0
