"""The command table: declarations only, handlers imported on first run."""

from __future__ import annotations

import argparse
import inspect
import shlex

import pytest

from tuiphone.cli.parser import build_parser, parser_for
from tuiphone.commands import table
from tuiphone.commands.spec import Command


@pytest.mark.parametrize("command", table.COMMANDS, ids=lambda c: c.name)
async def test_every_handler_resolves(command: Command):
    """Each door imports a real handler; calling it only makes the coroutine or stream."""
    assert command.handler.__module__ == "tuiphone.commands.handlers"
    started = command.run(object(), argparse.Namespace())  # type: ignore[arg-type]
    if command.stream:
        assert inspect.isasyncgen(started)
        await started.aclose()
    else:
        assert inspect.iscoroutine(started)
        started.close()


def test_constants_spelled_out_in_the_table_match_their_sources():
    from tuiphone.commands.contacts import command as contacts
    from tuiphone.model.backend import PRESENCE_STATES

    assert table.PRESENCE_STATES == PRESENCE_STATES
    assert tuple(contacts._ACTIONS) == table.CONTACT_ACTIONS
    from tuiphone.model.trust import Vouch

    assert tuple(v.value for v in Vouch) == table.VOUCHES


@pytest.mark.parametrize("line", [
    "register",
    "--config x.toml --account bob register --timeout 3",
    "--json reg",
    "--config=x.toml call echo --dtmf 12 --expect 486 -H 'X-A: 1'",
    "presence set away --note 'out' --json",
    "contacts search bob --limit 3",
    "wait lamp sip:a@b busy --timeout 60",
])
def test_one_command_parser_parses_like_the_whole_one(line: str):
    words = shlex.split(line)
    small, whole = parser_for(words), build_parser()
    assert len(_sub(small).choices) < len(_sub(whole).choices)
    assert vars(small.parse_args(words)) == vars(whole.parse_args(words))


@pytest.mark.parametrize("line", ["", "--help", "-h register", "shell", "daemon",
                                  "--acc bob register", "nosuch", "--bindings"])
def test_anything_else_gets_the_whole_parser(line: str):
    assert _sub(parser_for(shlex.split(line))).choices.keys() == _sub(build_parser()).choices.keys()


def _sub(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
