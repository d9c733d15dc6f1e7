"""Human and JSON printing of results; errors on stderr."""

from __future__ import annotations

import json

from tuiphone.commands.output import print_error, print_item, print_result
from tuiphone.model.errors import ConfigError, SipError
from tuiphone.model.trace import TraceEntry


def test_json_is_one_document(capsys):
    print_result({"a": [1, 2], "b": None}, as_json=True)
    assert json.loads(capsys.readouterr().out) == {"a": [1, 2], "b": None}


def test_human_record_with_sub_table(capsys):
    print_result({"engine": "x", "accounts": [{"id": "work", "code": 200, "empty": ""}]},
                 as_json=False)
    out = capsys.readouterr().out
    assert "engine" in out
    assert "work" in out
    assert "empty" not in out  # all-empty columns are dropped


def test_trace_entries_print_as_text(capsys):
    print_item(TraceEntry(0.5, "rx", "UDP", "1.2.3.4:5060", "SIP/2.0 200 OK\r\n"), as_json=False)
    out = capsys.readouterr().out
    assert "<-- UDP 1.2.3.4:5060" in out
    assert "SIP/2.0 200 OK" in out


def test_errors_go_to_stderr_one_problem_per_line(capsys):
    print_error(ConfigError(["f:1: a: bad", "f:2: b: worse"]))
    print_error(SipError(486, "Busy Here"))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["tuiphone: f:1: a: bad", "tuiphone: f:2: b: worse",
                                         "tuiphone: 486 Busy Here"]
