"""``tuiphone run FILE``: one command per line, ``#`` comments, stop at the first failure.

The whole script runs on one engine: the running one if there is one, else a
private engine kept for the script's duration, so ``call`` then ``hangup`` works.
``set NAME = $(COMMAND ...).field`` keeps a value of a command's JSON for later lines'
``$NAME`` (see ``tuiphone.commands.script_vars``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from pathlib import Path

from tuiphone.cli.oneshot import INTERRUPTED
from tuiphone.cli.script_report import ScriptReport
from tuiphone.commands.exitcodes import USAGE, exit_code
from tuiphone.commands.parse import parse_words, split_line
from tuiphone.commands.present import Outcome, failed, run_for
from tuiphone.commands.runner import execute, parser
from tuiphone.commands.script_vars import SetLine, parse_set, pick, substitute
from tuiphone.commands.spec import Command
from tuiphone.engine.api import PhoneApi
from tuiphone.host.claim import Role
from tuiphone.host.oneshot import config_for
from tuiphone.host.session import hosted
from tuiphone.model.codec import to_jsonable
from tuiphone.model.errors import TuiphoneError


def read_script(path: str) -> list[tuple[int, str]]:
    """(line number, text) of every line that is not blank or a comment. Raises OSError.
    Bad quoting is left for the line's own turn, so its error names its line."""
    text = Path(path).read_text(encoding="utf-8")
    return [(n, line) for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]


async def run_lines(phone: PhoneApi, name: str, lines: list[tuple[int, str]],
                    ns: argparse.Namespace, report: ScriptReport | None = None) -> int:
    """Run the lines; ``report`` (if given) records each for --junit/--jsonl."""
    report = report or ScriptReport(name)
    first_failure = 0
    values: dict[str, str] = {}
    for i, (number, line) in enumerate(lines):
        started = time.time()
        try:
            setting = parse_set(line)
            command, args = _parse(setting.command if setting else line, values)
        except TuiphoneError as err:
            code = exit_code(err)
            print(f"{name}:{number}: {err}", file=sys.stderr)
            report.ran(number, line, "", started, code, err, None)
        else:
            if setting is not None:
                outcome = await _set(phone, command, args, setting, values,
                                     f"{name}:{number}")
            else:
                if getattr(ns, "json", False):
                    args.json = True
                outcome = await run_for(phone, command, args)
            code = outcome.code
            report.ran(number, line, command.name, started, code, outcome.error,
                       outcome.result)
            if code:
                print(f"{name}:{number}: '{line.strip()}' failed (exit {code})", file=sys.stderr)
        first_failure = first_failure or code
        if code and not ns.keep_going:
            for later, text in lines[i + 1:]:
                report.skip(later, text)
            return code
    return first_failure


def _parse(line: str, values: dict[str, str]) -> tuple[Command, argparse.Namespace]:
    return parse_words(parser(), substitute(split_line(line), values))


async def _set(phone: PhoneApi, command: Command, args: argparse.Namespace,
               setting: SetLine, values: dict[str, str], where: str) -> Outcome:
    """Run the command of a ``set`` line for its JSON result (printed only on failure);
    keep the value at its path."""
    args.json = True
    try:
        result = to_jsonable(await execute(phone, command, args))
        values[setting.name] = pick(result, setting.path, where)
    except TuiphoneError as err:
        return Outcome(failed(err, True), err, None)
    return Outcome(0, None, result)


async def _main(ns: argparse.Namespace) -> int:
    try:
        lines = read_script(ns.file)
    except (OSError, UnicodeDecodeError, TuiphoneError) as err:
        print(f"tuiphone: run {ns.file}: {getattr(err, 'strerror', None) or err}",
              file=sys.stderr)
        return USAGE
    report = ScriptReport(ns.file)
    try:
        async with hosted(Role.COMMAND, lambda: config_for(ns)) as phone:
            code = await run_lines(phone, ns.file, lines, ns, report)
        report.write(getattr(ns, "junit", None), getattr(ns, "jsonl", None))
        return code
    except TuiphoneError as err:
        from tuiphone.commands.output import print_error

        print_error(err)
        if not report.steps:  # no engine: every line failed with its error, for CI
            for number, line in lines:
                report.ran(number, line, "", time.time(), exit_code(err), err, None)
            with contextlib.suppress(TuiphoneError):
                report.write(getattr(ns, "junit", None), getattr(ns, "jsonl", None))
        return exit_code(err)


def run_script(ns: argparse.Namespace) -> int:
    try:
        return asyncio.run(_main(ns))
    except KeyboardInterrupt:
        return INTERRUPTED
