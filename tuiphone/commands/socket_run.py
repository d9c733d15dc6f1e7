"""The control socket's ``run`` request: any command of the table, by command line.

``{"id": 1, "cmd": "run", "args": {"line": "call echo --dtmf 1"}}`` (or ``"argv": [...]``)
returns what ``tuiphone call echo --dtmf 1 --json`` prints. Streaming commands are
refused: ``subscribe`` is the stream.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from typing import Any

from tuiphone.commands.runner import execute, parse_line, refuse_terminal
from tuiphone.engine.api import PhoneApi
from tuiphone.model.codec import to_jsonable
from tuiphone.model.errors import UsageError


async def run_request(phone: PhoneApi, args: dict[str, Any]) -> object:
    """Raises UsageError for a missing line or a streaming command; else what it raises."""
    line = args.get("line")
    argv = args.get("argv")
    if isinstance(argv, list) and all(isinstance(w, str) for w in argv):
        line = shlex.join(argv)
    if not isinstance(line, str) or not line.strip():
        raise UsageError("run: give args.line (a command line) or args.argv (a list)")
    command, ns = parse_line(line)
    refuse_terminal(command, "the control socket")
    if command.stream:
        raise UsageError(f"run: '{command.name}' streams; use the subscribe request")
    return to_jsonable(await execute(phone, command, ns))


def socket_requests(phone: PhoneApi) -> dict[str, Callable[[dict[str, Any]], Awaitable[object]]]:
    """The requests the command layer adds to a ControlServer."""

    async def run(args: dict[str, Any]) -> object:
        return await run_request(phone, args)

    return {"run": run}
