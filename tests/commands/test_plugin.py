"""--nagios: the range syntax, the verdicts, and the real entry point's output read by a
strict parser of the monitoring-plugin format (fake backend, no SIP)."""

from __future__ import annotations

import math

import pytest

from tests.cli.conftest import tuiphone
from tests.support.plugin_output import BadPluginOutput, parse
from tuiphone.commands.plugin.ranges import parse_range, parse_thresholds
from tuiphone.commands.plugin.status import Metric, State, Verdict, render
from tuiphone.model.errors import UsageError


@pytest.mark.parametrize(("spec", "alerting", "quiet"), [
    ("10", [-1, 10.5], [0, 10]),
    ("10:", [9.9, -5], [10, 1e9]),
    ("~:10", [10.1], [-1e9, 10]),
    ("10:20", [9, 21], [10, 20]),
    ("@10:20", [10, 15, 20], [9.9, 20.1]),
])
def test_nagios_ranges(spec, alerting, quiet):
    rng = parse_range(spec)
    assert [rng.alerts(v) for v in alerting] == [True] * len(alerting)
    assert [rng.alerts(v) for v in quiet] == [False] * len(quiet)


def test_a_bare_number_is_a_limit_on_the_bad_side():
    limits = parse_thresholds("rtt=50,mos=3.8", {"rtt": False, "mos": True}, "--warning")
    assert limits["rtt"].alerts(51)
    assert not limits["rtt"].alerts(49)
    assert limits["mos"].alerts(3.7)
    assert not limits["mos"].alerts(4.2)
    assert (limits["rtt"].text, limits["mos"].text) == ("50", "3.8:")
    assert parse_range("~:3").start == -math.inf


@pytest.mark.parametrize("spec", ["rtt", "rtt=", "rtt=abc", "rtt=20:10", "nope=1"])
def test_bad_thresholds_are_usage_errors(spec):
    with pytest.raises(UsageError):
        parse_thresholds(spec, {"rtt": False}, "--warning")


def test_worst_threshold_wins_and_perfdata_carries_the_ranges():
    verdict = Verdict(State.OK, "ok", [Metric("rtt", 120, "ms", minimum=0),
                                       Metric("mos", 3.6, low_is_bad=True)])
    warning = parse_thresholds("rtt=50,mos=3.8", {"rtt": False, "mos": True}, "w")
    critical = parse_thresholds("rtt=100", {"rtt": False, "mos": True}, "c")
    state, text = render(verdict, warning, critical)
    assert state is State.CRITICAL
    out = parse(text, 2)
    assert "rtt 120ms above 100 (critical)" in out.text
    assert "mos 3.6 below 3.8 (warning)" in out.text
    assert (out.perf["rtt"].warn, out.perf["rtt"].crit, out.perf["rtt"].minimum) == (
        "50", "100", 0)
    assert out.perf["mos"].warn == "3.8:"


def test_the_parser_rejects_what_a_monitoring_core_would_misread():
    with pytest.raises(BadPluginOutput):
        parse("TUIPHONE OK - fine | rtt=12msec", 0)  # no such unit
    with pytest.raises(BadPluginOutput):
        parse("TUIPHONE OK - fine", 2)  # the line and the exit status disagree
    with pytest.raises(BadPluginOutput):
        parse("all fine", 0)
    out = parse("TUIPHONE OK - x | 'a b'=1;2;3;0;9 c=U\nmore text | d=5%", 0)
    assert set(out.perf) == {"a b", "c", "d"}
    assert out.long_text == ["more text"]


def _plugin(*args: str, code: int):
    run = tuiphone(*args, "--nagios")
    assert run.err == "", run.err  # a plugin writes nothing to stderr
    assert run.code == code, run.out
    assert run.out.count("\n") >= 1
    assert not run.out.startswith("{")
    return parse(run.out, run.code)


def test_call_ok_with_its_metrics():
    out = _plugin("call", "echo", "--warning", "mos=3.8,loss=1", "--critical", "mos=3.5",
                  code=0)
    assert out.state == "OK"
    assert {"setup", "mos", "loss", "jitter", "rtt"} <= set(out.perf)
    assert (out.perf["mos"].warn, out.perf["mos"].crit) == ("3.8:", "3.5:")
    assert out.perf["setup"].uom == "ms"
    assert out.perf["loss"].uom == "%"


def test_a_threshold_crossed_is_a_warning():
    out = _plugin("ping", "echo", "--warning", "rtt=0.000001", code=1)
    assert "rtt" in out.text
    assert "(warning)" in out.text


def test_a_refused_call_and_a_failed_assertion_are_critical():
    assert "486" in _plugin("call", "sip:busy@example.com", code=2).text
    out = _plugin("call", "echo", "--expect-codec", "PCMA", "--json", code=2)
    assert "expect_codec" in out.text


def test_bad_options_and_a_missing_config_are_unknown(tmp_path):
    assert "METRIC" in _plugin("call", "echo", "--warning", "bogus=1", code=3).text
    _plugin("register", "--config", str(tmp_path / "none.toml"), code=3)
    out = _plugin("doctor", "--config", str(tmp_path / "none.toml"), code=3)
    assert any(line.startswith("FAIL config") for line in out.long_text)
