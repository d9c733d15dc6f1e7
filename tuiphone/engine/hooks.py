"""HookRunner: runs ``[[hooks]]`` programs on engine events, in the engine's process.

Only the process that owns the engine runs one (``tuiphone.host`` starts it for the
daemon and the TUI), so each hook runs once per event however many front ends attach.
A hook is an argv run without a shell, with the event as JSON on stdin and as
``TUIPHONE_<FIELD>`` variables; at most ``at_once`` run together (the rest wait, up to
``BACKLOG``); one that outlives its timeout is killed with its process group. Nothing
a hook does reaches a call: its failure is logged (the first of each hook as a
warning, the rest at debug level, so a broken hook cannot flood the log).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal

from tuiphone.engine.api import PhoneApi
from tuiphone.engine.hook_events import Fields, HookEvents
from tuiphone.model.hooks import Hook, HookEvent, fill

log = logging.getLogger("tuiphone.hooks")
BACKLOG = 100  # hooks waiting for a free slot; past this an event's hooks are dropped


class HookRunner:
    def __init__(self, phone: PhoneApi, hooks: tuple[Hook, ...], at_once: int) -> None:
        self.phone, self.hooks = phone, hooks
        self._slots = asyncio.Semaphore(at_once)
        self._tasks: set[asyncio.Task[None]] = set()
        self._reader: asyncio.Task[None] | None = None
        self._warned: set[Hook] = set()
        self.failures = 0  # how many runs failed (tests, the log)

    def start(self) -> None:
        self._reader = asyncio.ensure_future(self._read())

    async def stop(self) -> None:
        """Stop reading events; hooks still running are killed (their timeout ends)."""
        tasks = [t for t in (self._reader, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def settled(self) -> None:
        """Return once every hook started so far has finished (or been killed)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _read(self) -> None:
        events = HookEvents()
        async for event in self.phone.events():
            for kind, fields in events.of(event):
                self._fire(kind, fields)

    def _fire(self, kind: HookEvent, fields: Fields) -> None:
        for hook in self.hooks:
            if hook.on is not kind:
                continue
            if len(self._tasks) >= BACKLOG:
                self._failed(hook, f"{BACKLOG} hooks already waiting; this one is dropped")
                continue
            task = asyncio.ensure_future(self._run(hook, {"event": kind.value, **fields}))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, hook: Hook, fields: Fields) -> None:
        async with self._slots:
            argv = fill(hook.run, fields)
            env = {**os.environ, **{f"TUIPHONE_{k.upper()}": v for k, v in fields.items()}}
            try:
                proc = await asyncio.create_subprocess_exec(
                    *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE, env=env, start_new_session=True)
            except OSError as err:
                self._failed(hook, f"cannot start {argv[0]}: {err.strerror or err}")
                return
            try:
                _, err_out = await asyncio.wait_for(
                    proc.communicate(json.dumps(fields).encode()), hook.timeout_s)
            except TimeoutError:
                _kill(proc)
                await proc.wait()
                self._failed(hook, f"still running after {hook.timeout_s:g} s; killed")
                return
            except asyncio.CancelledError:
                _kill(proc)
                raise
        if proc.returncode:
            tail = err_out.decode(errors="replace").strip().splitlines()[-1:] or [""]
            self._failed(hook, f"exited {proc.returncode} {tail[0]}".rstrip())

    def _failed(self, hook: Hook, why: str) -> None:
        self.failures += 1
        first = hook not in self._warned
        self._warned.add(hook)
        log.log(logging.WARNING if first else logging.DEBUG, "hook %s: %s%s", hook.name, why,
                " (later failures of this hook are logged at debug level)" if first else "")


def _kill(proc: asyncio.subprocess.Process) -> None:
    """The hook and whatever it started (its own session, so its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
