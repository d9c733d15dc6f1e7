"""PjLoop without pjsua2: a UDP socket stands in for libHandleEvents."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tuiphone.model.errors import BackendError, NotFound
from tuiphone.sip.loop import PjLoop


class FakeStack:
    """``poll`` waits on a UDP socket like pjsip's select() does; the wake datagram ends it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.torn_down = threading.Event()

    def setup(self) -> tuple[str, int]:
        return "127.0.0.1", int(self.sock.getsockname()[1])

    def poll(self, ms: int) -> None:
        self.sock.settimeout(ms / 1000)
        with contextlib.suppress(TimeoutError):
            self.sock.recv(64)

    def teardown(self) -> None:
        self.torn_down.set()


@pytest.fixture
def stack() -> Iterator[FakeStack]:
    s = FakeStack()
    yield s
    s.sock.close()


@pytest.fixture
def loop(stack: FakeStack) -> Iterator[PjLoop]:
    lp = PjLoop(stack.poll, 5000)  # a long poll: only the wake datagram makes jobs prompt
    lp.start(stack.setup, stack.teardown)
    yield lp
    lp.stop()


async def test_job_runs_on_pjsip_thread(loop: PjLoop) -> None:
    name = await asyncio.wait_for(loop.run(lambda: threading.current_thread().name), 10)
    assert name == "pjsip"


async def test_errors_cross_the_thread(loop: PjLoop) -> None:
    def not_found() -> None:
        raise NotFound("x")

    def bug() -> None:
        raise ZeroDivisionError

    with pytest.raises(NotFound):
        await loop.run(not_found)
    with pytest.raises(BackendError, match="ZeroDivisionError"):
        await loop.run(bug)
    assert await loop.run(lambda: 7) == 7  # the thread survived


async def test_requests_racing_stop_never_hang(loop: PjLoop, stack: FakeStack) -> None:
    tasks = [asyncio.ensure_future(loop.run(lambda: 1)) for _ in range(50)]
    await asyncio.to_thread(loop.stop)
    late = asyncio.ensure_future(loop.run(lambda: 2))
    results = await asyncio.wait_for(asyncio.gather(*tasks, late, return_exceptions=True), 30)
    assert all(r == 1 or isinstance(r, BackendError) for r in results[:-1])
    assert isinstance(results[-1], BackendError)
    assert stack.torn_down.is_set()


def test_setup_failure_is_raised(stack: FakeStack) -> None:
    def broken() -> int:
        raise NotFound("no stack")

    lp = PjLoop(stack.poll, 100)
    with pytest.raises(NotFound):
        lp.start(broken, stack.teardown)
    assert stack.torn_down.is_set()
    assert not lp.alive
