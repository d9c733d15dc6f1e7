"""The read-eval-print loop, separate from process setup so tests can drive it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Coroutine
from typing import Any

from prompt_toolkit import PromptSession

from tuiphone.commands.parse import split_line
from tuiphone.commands.present import failed, run_on
from tuiphone.commands.runner import parse_line
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import TuiphoneError
from tuiphone.shell.help import help_text

PROMPT = "tuiphone> "
INTERRUPTED = 130


async def repl(phone: PhoneApi, session: PromptSession[str], as_json: bool = False) -> int:
    """Run lines until ``exit`` or end of input; returns the last command's exit status."""
    status = 0
    while True:
        try:
            line = await session.prompt_async(PROMPT)
        except EOFError:
            return status
        except KeyboardInterrupt:
            continue
        words = split_line(line) if line.strip() else []
        if not words:
            continue
        if words[0] in ("exit", "quit"):
            return status
        if words[0] == "help":
            print(help_text(words))
            continue
        status = await interruptible(run_one(phone, line, as_json))


async def interruptible(work: Coroutine[Any, Any, int]) -> int:
    """Run one command so that Ctrl-C stops it (``events``, ``trace -f``, a long call)
    and returns to the prompt instead of ending the shell."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    # not possible off the main thread (e.g. embedded): then Ctrl-C ends the shell
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGINT, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        if not task.cancelled():
            raise  # we were cancelled ourselves, not the command
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def run_one(phone: PhoneApi, line: str, as_json: bool) -> int:
    try:
        command, args = parse_line(line)
    except TuiphoneError as err:
        return failed(err, as_json)
    except SystemExit:  # argparse's own --help inside a command
        return 0
    if as_json:
        args.json = True
    return await run_on(phone, command, args)
