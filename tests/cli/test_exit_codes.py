"""Each exit status, produced by the real entry point (fake backend, no SIP)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import tuiphone


def test_answered_call_exits_0():
    run = tuiphone("call", "echo", "--json")
    assert run.code == 0, run.err
    assert run.json()["result"] == "answered"


def test_unmet_expectation_exits_1():
    run = tuiphone("call", "echo", "--expect-dtmf", "9")
    assert run.code == 1
    assert "expected DTMF" in run.err


@pytest.mark.parametrize("args", [
    ("call",),                         # missing URI
    ("call", "echo", "--duration", "soon"),
    ("frobnicate",),
    ("--config",),
])
def test_usage_errors_exit_2(args):
    run = tuiphone(*args)
    assert run.code == 2
    assert "Traceback" not in run.err
    assert run.err


def test_config_error_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[[accounts]]\nid = 'x'\nuri = 42\n")
    run = tuiphone("--config", str(bad), "status")
    assert run.code == 2
    assert str(bad) in run.err
    assert "Traceback" not in run.err


def test_missing_config_file_exits_2(tmp_path):
    run = tuiphone("status", "--config", str(tmp_path / "nope.toml"))
    assert run.code == 2
    assert "not found" in run.err


def test_wait_timeout_exits_3():
    run = tuiphone("wait", "call", "incoming", "--timeout", "0.2")
    assert run.code == 3
    assert "not within" in run.err


def test_busy_exits_4():
    run = tuiphone("call", "sip:busy@example.com")
    assert run.code == 4
    assert "486" in run.err


def test_not_found_exits_4_and_reports_404():
    run = tuiphone("--json", "call", "sip:nobody@example.com")
    assert run.code == 4
    assert run.json()["status_code"] == 404


def test_expect_486_against_busy_exits_0():
    run = tuiphone("call", "sip:busy@example.com", "--expect", "486", "--json")
    assert run.code == 0, run.err
    assert run.json()["status_code"] == 486


@pytest.mark.parametrize("command", [("answer",), ("hangup", "--all"), ("calls",),
                                      ("events",), ("dtmf", "1")])
def test_running_engine_commands_exit_6_without_one(command):
    run = tuiphone(*command)
    assert run.code == 6
    assert "needs a running engine" in run.err


def test_srtp_override_applies_to_a_private_engine():
    run = tuiphone("call", "echo", "--srtp", "mandatory", "--json")
    assert run.code == 0, run.err


def test_junit_report(tmp_path):
    report = tmp_path / "junit.xml"
    run = tuiphone("call", "sip:busy@example.com", "--junit", str(report))
    assert run.code == 4
    text = report.read_text()
    assert "<failure" in text
    assert "486" in text


def test_version_and_help():
    assert tuiphone("--version").out.startswith("tuiphone ")
    run = tuiphone("--help")
    assert run.code == 0
    assert "call" in run.out
    assert "Exit status" in run.out


def test_message_sent_exits_0_with_its_state():
    run = tuiphone("--json", "message", "echo", "hi")
    assert run.code == 0, run.err
    assert run.json()["delivery"] == "sent"


def test_message_not_delivered_in_time_exits_3():
    # The echo line sends no IMDN receipt: sent, never delivered.
    run = tuiphone("--json", "message", "echo", "hi", "--wait", "delivered", "--timeout", "0.3")
    assert run.code == 3
    assert "is sent, not delivered" in run.err


def test_message_refused_exits_4_with_the_code():
    run = tuiphone("--json", "message", "sip:nobody@example.com", "hi")
    assert run.code == 4
    assert "404" in run.err


def test_a_reader_that_leaves_early_gets_141_and_no_traceback():
    """`tuiphone ... | head`: the pipe's read end closes before the command writes."""
    import os
    import subprocess
    import sys

    from tests.cli.conftest import ROOT, cli_env

    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before the command starts: its first write meets EPIPE
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "completion", "bash"],
                          stdout=write_end, stderr=subprocess.PIPE, text=True, env=cli_env(),
                          cwd=ROOT, timeout=60)
    os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert "Traceback" not in proc.stderr
