"""Human and JSON printing of results; errors on stderr."""

from __future__ import annotations

import json

import pytest

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


SAMPLES = [
    {"account": "alice", "state": "registered", "status_code": 200, "reason": "OK",
     "expires": 300, "time_ms": 1.5, "auth_challenges": 1},
    {"account": "alice", "state": "failed", "status_code": 403, "reason": "Forbidden",
     "expires": None, "time_ms": 12.0, "auth_challenges": 2},
    {"a": "", "b": "  spaced  out ", "nested": {"x": 1, "y": [1, 2], "z": []}, "t": True},
    {"uri": "sip:bob@example.com:5060", "rx": {"packets": 10, "lost": 0}},
    {"key": "x" * 70, "v": "y"},
    {"key": "x" * 60, "value": "y" * 30},
    {"k": "[bold]markup[/bold]"},
    {"k": "smile :smile: please"},
    {"k": "a:b@c:smile: :+1: :thumbs_up-emoji: x:y"},
    {"k": "Grüße"},
    {"k": "tab\there"},
    {"k": "two\nlines"},
    {},
    [],
    ["one", "two", 3, None],
    ["  leading"],
    "just text",
    "",
    42,
    None,
    "word " * 30,
]


@pytest.mark.parametrize("width", [80, 40, 200])
@pytest.mark.parametrize("data", SAMPLES)
def test_plain_output_is_what_rich_prints(data, width):
    """The rich-free path prints byte for byte what rich prints, or defers to rich."""
    import io

    from rich.console import Console

    from tuiphone.commands import output

    buf = io.StringIO()
    output._rich(data, Console(file=buf, width=width, highlight=False, force_terminal=False,
                               color_system=None))
    plain = output._plain(data, width)
    if plain is not None:
        assert plain == buf.getvalue()


def test_register_output_needs_no_rich():
    from tuiphone.commands import output

    assert output._plain(SAMPLES[0], 80) is not None


def test_sip_uris_and_emoji_codes():
    from tuiphone.commands import output

    assert output._plain({"uri": "sip:bob@example.com:5060"}, 80) is not None
    assert output._plain({"k": "a:b@c:smile:"}, 80) is None  # conservative: rich decides


@pytest.mark.parametrize("data", [
    {"body": "[/bold] closes nothing", "from": "sip:[x]@h"},
    [{"body": "[red]not red[/red] :smile:"}],
    ["[[accounts]]"],
    "[/]",
])
def test_what_a_peer_sent_prints_as_sent(data):
    """Bodies and names are Text to rich: '[/bold]' once crashed the CLI (MarkupError)
    and '[[accounts]]' printed as '[]'."""
    import io

    from rich.console import Console

    from tuiphone.commands import output

    buf = io.StringIO()
    output._rich(data, Console(file=buf, width=120, highlight=False, color_system=None))
    printed = buf.getvalue()
    texts = [v for d in (data if isinstance(data, list) else [data])
             for v in (d.values() if isinstance(d, dict) else [d])]
    for text in texts:
        assert text in printed
