"""The sound thread: jobs in order on one thread, errors to the caller, nothing after stop."""

from __future__ import annotations

import threading

import pytest

from tuiphone.model.errors import NotFound
from tuiphone.sip.sound_worker import SoundWorker


def test_jobs_run_in_order_on_one_named_thread() -> None:
    worker, seen = SoundWorker(), []
    futures = [worker.submit(lambda i=i: seen.append((i, threading.current_thread().name)))
               for i in range(5)]
    for fut in futures:
        fut.result(10)
    worker.stop()
    assert seen == [(i, "tuiphone-sound") for i in range(5)]


def test_errors_reach_the_caller_and_bugs_the_log(caplog: pytest.LogCaptureFixture) -> None:
    worker = SoundWorker()

    def missing() -> None:
        raise NotFound("no output devices match 'hdmi'")

    def bug() -> None:
        raise KeyError("oops")

    with pytest.raises(NotFound, match="hdmi"):
        worker.submit(missing).result(10)
    with pytest.raises(KeyError):
        worker.submit(bug).result(10)
    worker.stop()
    assert [r.getMessage() for r in caplog.records if r.name == "tuiphone.sip.sound_worker"
            ] == ["sound job failed"]  # the user's error is not a bug


def test_nothing_runs_after_stop() -> None:
    worker, ran = SoundWorker(), threading.Event()
    worker.submit(lambda: None).result(10)
    worker.stop()
    late = worker.submit(ran.set)
    assert late.cancelled()
    assert not ran.is_set()
