"""One Store shared by several threads: every write lands, reads never see half a write."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.store.conftest import call, message
from tuiphone.store import Store

WORKERS = 8
EACH = 25


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    start = threading.Barrier(WORKERS)

    def work(worker: int) -> int:
        start.wait()
        for i in range(EACH):
            n = worker * EACH + i
            store.add_call(call(n))
            store.add_message(message(n))
            store.bump_counter("writes")
            store.threads()
        return worker

    with ThreadPoolExecutor(WORKERS) as pool:
        assert sorted(pool.map(work, range(WORKERS))) == list(range(WORKERS))
    total = WORKERS * EACH
    assert len(store.history(limit=total + 1)) == total
    assert len(store.messages(limit=total + 1)) == total
    assert store.counters() == {"writes": total}
