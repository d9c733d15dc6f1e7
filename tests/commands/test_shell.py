"""The REPL driven through prompt_toolkit's pipe input, and its completer."""

from __future__ import annotations

import asyncio

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tests.commands.test_run_line import subscribed
from tuiphone.model.contact import ContactSummary
from tuiphone.shell.completer import CommandCompleter
from tuiphone.shell.repl import repl


async def drive(phone, text: str, history=None) -> int:
    with create_pipe_input() as pipe:
        pipe.send_text(text)
        pipe.close()
        session = PromptSession(input=pipe, output=DummyOutput(), history=history)
        return await repl(phone, session, as_json=True)


async def test_commands_run_and_print_json(phone, capsys):
    status = await drive(phone, "status\ncall echo --dtmf 3\nexit\n")
    out = capsys.readouterr().out
    assert status == 0
    assert '"engine": "in-process"' in out
    assert '"dtmf_received": "3"' in out


async def test_failures_set_the_status_and_do_not_end_the_shell(phone, capsys):
    status = await drive(phone, "call sip:busy@example.com\nfrobnicate\n")
    captured = capsys.readouterr()
    assert status == 2  # the last line's status; end of input leaves the loop
    assert "486" in captured.err
    assert "frobnicate" in captured.err


async def test_help_lists_commands_and_explains_one(phone, capsys):
    await drive(phone, "help\nhelp call\nexit\n")
    out = capsys.readouterr().out
    assert "wait" in out
    assert "--min-mos" in out


async def test_history_file_is_written(phone, tmp_path):
    path = tmp_path / "history"
    await drive(phone, "status\nexit\n", FileHistory(str(path)))
    assert "status" in path.read_text()


def complete(phone, text: str) -> list[str]:
    book = [ContactSummary(id="a", name="Alice Smith", sips=("sip:alice@example.com",)),
            ContactSummary(id="b", name="Bob Jones", numbers=("+4930123",)),
            ContactSummary(id="c", name="Joe Nowhere")]
    completer = CommandCompleter(phone, contacts=lambda: book)
    doc = Document(text, len(text))
    return [c.text for c in completer.get_completions(doc, CompleteEvent())]


@pytest.mark.parametrize(("text", "expected"), [
    ("ca", ["call", "calls"]),
    ("call --min", ["--min-mos"]),
    ("call jo", ["+4930123"]),
    ("call sip:al", ["sip:alice@example.com"]),
    ("call ", ["echo", "sip:alice@example.com", "+4930123"]),
    ("ping al", ["sip:alice@example.com"]),
    ("register --account w", ["work"]),
    ("help wa", ["wait"]),
    ("wait call co", ["connected"]),
])
async def test_completion(phone, text, expected):
    assert complete(phone, text) == expected


async def test_call_ids_complete_from_live_state(phone):
    from tuiphone.commands.runner import run_line

    placed = await phone.call("sip:noanswer@example.com")
    await run_line(phone, "wait call ringing --timeout 5")
    assert complete(phone, "hangup ") == [placed.id]


def test_contacts_come_from_the_configured_vdirs(tmp_path):
    from tuiphone.shell.contacts import vdir_contacts

    vdir = tmp_path / "book"
    vdir.mkdir()
    (vdir / "carol.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Carol Diaz\r\n"
        "IMPP:sip:carol@example.com\r\nEND:VCARD\r\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[contacts]\nvdirs = ["{vdir}"]\n')
    load = vdir_contacts(str(config))
    assert [(c.dial_targets(), c.name) for c in load()] == [
        (("sip:carol@example.com",), "Carol Diaz")]


def test_contacts_loader_tolerates_a_broken_config(tmp_path):
    from tuiphone.shell.contacts import vdir_contacts

    assert vdir_contacts(str(tmp_path / "missing.toml"))() == []


async def test_interrupting_a_stream_returns_to_the_prompt(phone, capsys):
    import os
    import signal

    from tuiphone.shell.repl import interruptible, run_one

    async def events_then_interrupt() -> int:
        stream = asyncio.ensure_future(run_one(phone, "events", True))
        await subscribed(phone, 1)
        os.kill(os.getpid(), signal.SIGINT)
        return await stream

    assert await interruptible(events_then_interrupt()) == 130
    assert '"snapshot"' in capsys.readouterr().out
