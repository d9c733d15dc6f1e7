"""Store benchmark: prints JSON lines {"name", "value", "unit"} (milliseconds per call).

Run: ``python bench/store_bench.py``. Fills a database in a temporary directory with
10k calls and 20k messages over 200 peers, one transaction per write, then times reads.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store

CALLS = 10_000
MESSAGES = 20_000
PEERS = 200


def _timed(label: str, count: int, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    print(json.dumps({"name": label, "value": round(elapsed * 1e3 / count, 3), "unit": "ms"}))


def _call(n: int) -> HistoryEntry:
    return HistoryEntry(
        call_id=f"c{n}",
        account_id="acc",
        direction=Direction.OUTGOING if n % 2 else Direction.INCOMING,
        remote_uri=f"sip:peer{n % PEERS}@example.com",
        started=float(n),
        answered=n + 1.0,
        ended=n + 60.0,
        code=200,
        reason="OK",
    )


def _message(n: int) -> Message:
    return Message(
        id=f"m{n}",
        account_id="acc",
        direction="in" if n % 3 else "out",
        peer=f"sip:peer{n % PEERS}@example.com",
        body="x" * 80,
        content_type="text/plain",
        timestamp=float(n),
        delivery=Delivery.RECEIVED,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        _timed(
            "add_call (one transaction each)",
            CALLS,
            lambda: [store.add_call(_call(n)) for n in range(CALLS)],
        )
        _timed(
            "add_message",
            MESSAGES,
            lambda: [store.add_message(_message(n)) for n in range(MESSAGES)],
        )
        _timed("history(limit=50)", 100, lambda: [store.history() for _ in range(100)])
        _timed(
            "history(peer=..., limit=50)",
            100,
            lambda: [store.history(peer="sip:peer7@example.com") for _ in range(100)],
        )
        _timed(
            "messages(peer=..., limit=100)",
            100,
            lambda: [store.messages("sip:peer7@example.com") for _ in range(100)],
        )
        _timed(f"threads() over {PEERS} peers", 20, lambda: [store.threads() for _ in range(20)])
        _timed("export_all()", 1, store.export_all)
        _timed("erase_all() incl. VACUUM", 1, store.erase_all)


if __name__ == "__main__":
    main()
