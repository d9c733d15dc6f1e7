"""The test run's asyncio check (tests/support/asyncio_strict.py) catches what asyncio
would only print: these are the defects the whole suite relies on it to find."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.support import asyncio_strict

ROOT = Path(__file__).resolve().parents[2]


def _run_in_fresh_loop(body) -> None:
    loop = asyncio.get_event_loop_policy().new_event_loop()
    try:
        assert loop.get_debug(), "the test run's loops are in debug mode"
        loop.run_until_complete(body())
    finally:
        loop.close()


def test_an_unretrieved_future_exception_is_reported_with_where_it_was_made() -> None:
    async def leak() -> None:
        fut = asyncio.get_running_loop().create_future()
        fut.set_exception(RuntimeError("nobody looks at me"))

    _run_in_fresh_loop(leak)
    reports = asyncio_strict.take_reports(collect=True)
    assert len(reports) == 1
    assert "exception was never retrieved" in reports[0]
    assert "nobody looks at me" in reports[0]
    assert "in leak" in reports[0], "debug mode names where the future was created"


def test_a_raising_callback_is_reported() -> None:
    async def boom() -> None:
        asyncio.get_running_loop().call_soon(lambda: 1 / 0)
        await asyncio.sleep(0)

    _run_in_fresh_loop(boom)
    reports = asyncio_strict.take_reports(collect=False)
    assert len(reports) == 1
    assert "Exception in callback" in reports[0]
    assert "ZeroDivisionError" in reports[0]


def test_a_handled_error_is_not_reported() -> None:
    async def fine() -> None:
        task = asyncio.ensure_future(asyncio.sleep(10))
        task.cancel()
        fut = asyncio.get_running_loop().create_future()
        fut.set_exception(ValueError("seen"))
        assert isinstance(fut.exception(), ValueError)
        await asyncio.gather(task, return_exceptions=True)

    _run_in_fresh_loop(fine)
    assert asyncio_strict.take_reports(collect=True) == []


def test_the_suite_fails_a_test_that_leaks_an_error(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(
        "import asyncio\n\n"
        "async def test_leaks():\n"
        "    fut = asyncio.get_running_loop().create_future()\n"
        "    fut.set_exception(KeyError('reply'))\n"
        "    del fut\n\n"
        "async def test_clean():\n"
        "    await asyncio.sleep(0)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "-o", "asyncio_mode=auto", "-o", "asyncio_debug=true", "--rootdir", str(tmp_path),
         "-c", os.devnull, str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ERROR test_leaky.py::test_leaks" in done.stdout, done.stdout
    assert "2 passed, 1 error" in done.stdout, done.stdout  # the clean test is not blamed
    assert "exception was never retrieved" in done.stdout
    assert "KeyError: 'reply'" in done.stdout
