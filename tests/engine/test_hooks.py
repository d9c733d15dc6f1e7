"""[[hooks]]: which engine events fire which hook, and how the runner runs programs."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tuiphone.engine.hook_events import HookEvents
from tuiphone.engine.hooks import HookRunner
from tuiphone.model.account import AccountState, RegState
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.events import CallChanged, Event, IncomingCall, RegistrationChanged
from tuiphone.model.hooks import Hook, HookEvent, fill

RING = CallInfo("7", "alice", Direction.INCOMING, "sip:bob@lab", CallState.INCOMING,
                remote_name="Bob B")


def ended(call: CallInfo, answered: float | None = None) -> CallChanged:
    return CallChanged(CallInfo(call.id, call.account_id, call.direction, call.remote_uri,
                                CallState.ENDED, call.remote_name, code=487,
                                reason="Request Terminated", answered=answered,
                                ended=(answered or 0) + 2.5))


def reg(state: RegState) -> RegistrationChanged:
    return RegistrationChanged(AccountState("alice", "sip:alice@lab", state, code=200))


def test_events_map_to_hook_events_once() -> None:
    events = HookEvents()
    assert [k for k, _ in events.of(IncomingCall(RING))] == [HookEvent.INCOMING]
    kinds = [k for k, _ in events.of(ended(RING))]
    assert kinds == [HookEvent.MISSED, HookEvent.CALL_ENDED]
    assert events.of(ended(RING)) == []  # a second ENDED snapshot fires nothing
    answered = CallInfo("8", "alice", Direction.INCOMING, "sip:c@lab", CallState.INCOMING)
    events.of(IncomingCall(answered))
    kinds = [k for k, _ in events.of(ended(answered, answered=100.0))]
    assert kinds == [HookEvent.CALL_ENDED]  # answered: not missed
    assert [k for k, _ in events.of(reg(RegState.REGISTERING))] == []
    assert [k for k, _ in events.of(reg(RegState.REGISTERED))] == [HookEvent.REGISTRATION_OK]
    assert events.of(reg(RegState.REGISTERED)) == []  # a refresh is no news
    assert [k for k, _ in events.of(reg(RegState.FAILED))] == [HookEvent.REGISTRATION_LOST]


def test_fill_replaces_inside_elements_never_splits() -> None:
    argv = fill(("notify-send", "Call from {caller_name}", "{caller}", "{nope}"),
                {"caller_name": "Bob B; rm -rf ~", "caller": "sip:bob@lab"})
    assert argv == ["notify-send", "Call from Bob B; rm -rf ~", "sip:bob@lab", "{nope}"]


class StubPhone:
    """Only ``events()``: what the runner uses."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue()

    async def events(self) -> AsyncIterator[Event]:
        while (event := await self.queue.get()) is not None:
            yield event


WRITE = ("import json, os, sys; "
         "open(sys.argv[1], 'w').write(json.dumps({'stdin': json.load(sys.stdin), "
         "'argv': sys.argv[2:], 'env': {k: v for k, v in os.environ.items() "
         "if k.startswith('TUIPHONE_')}}))")


async def run_hooks(hooks: tuple[Hook, ...], *events: Event, at_once: int = 4) -> HookRunner:
    phone = StubPhone()
    runner = HookRunner(phone, hooks, at_once)  # type: ignore[arg-type]
    runner.start()
    for event in events:
        phone.queue.put_nowait(event)
    phone.queue.put_nowait(None)
    assert runner._reader is not None
    await runner._reader  # every event read and its hooks started
    await runner.settled()
    return runner


async def test_hook_gets_json_env_and_filled_argv(tmp_path: Path) -> None:
    out = tmp_path / "incoming.json"
    hook = Hook(HookEvent.INCOMING, (sys.executable, "-c", WRITE, str(out), "{caller}"))
    runner = await run_hooks((hook,), IncomingCall(RING), ended(RING))
    got = json.loads(out.read_text())
    assert got["stdin"]["event"] == "incoming"
    assert got["stdin"]["caller"] == "sip:bob@lab"
    assert got["stdin"]["caller_name"] == "Bob B"
    assert got["argv"] == ["sip:bob@lab"]
    assert got["env"]["TUIPHONE_EVENT"] == "incoming"
    assert got["env"]["TUIPHONE_CALL_ID"] == "7"
    assert runner.failures == 0


HANG = ("import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); "
        "time.sleep(60)")


async def test_a_hanging_hook_is_killed_at_its_timeout(tmp_path: Path, caplog) -> None:
    pid_file = tmp_path / "pid"
    hook = Hook(HookEvent.MISSED, (sys.executable, "-c", HANG, str(pid_file)), timeout_s=1.0)
    caplog.set_level(logging.DEBUG, "tuiphone.hooks")
    started = time.monotonic()
    runner = await run_hooks((hook,), IncomingCall(RING), ended(RING))
    assert time.monotonic() - started < 10
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped
    assert runner.failures == 1
    assert "still running after 1 s; killed" in caplog.text


async def test_failures_are_logged_once_per_hook(tmp_path: Path, caplog) -> None:
    bad = Hook(HookEvent.INCOMING, (sys.executable, "-c", "import sys; sys.exit(3)"))
    missing = Hook(HookEvent.INCOMING, (str(tmp_path / "no-such-program"),))
    calls = [IncomingCall(CallInfo(str(n), "alice", Direction.INCOMING, "sip:x@lab",
                                   CallState.INCOMING)) for n in range(3)]
    caplog.set_level(logging.DEBUG, "tuiphone.hooks")
    runner = await run_hooks((bad, missing), *calls)
    assert runner.failures == 6
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert any("exited 3" in r.getMessage() for r in warnings)
    assert any("cannot start" in r.getMessage() for r in warnings)


async def test_never_more_than_at_once(tmp_path: Path) -> None:
    script = ("import sys, time; f = open(sys.argv[1], 'a'); "
              "f.write(f'{time.monotonic()} start\\n'); f.flush(); time.sleep(0.2); "
              "f.write(f'{time.monotonic()} end\\n')")
    log = tmp_path / "log"
    hook = Hook(HookEvent.INCOMING, (sys.executable, "-c", script, str(log)))
    calls = [IncomingCall(CallInfo(str(n), "a", Direction.INCOMING, "sip:x@lab",
                                   CallState.INCOMING)) for n in range(3)]
    await run_hooks((hook,), *calls, at_once=1)
    marks = [line.split()[1] for line in log.read_text().splitlines()]
    assert marks == ["start", "end"] * 3  # one after another
