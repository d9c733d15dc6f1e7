"""Chat pane benchmark: prints JSON lines {"name", "value", "unit", "baseline"}.

Run: ``python bench/chat_bench.py [--messages N] [--runs R] [--keep DIR]``. Writes N
messages (default 100k) with one peer, in several spellings of its URI, plus 2,000
with 40 other peers, into a fresh database through the real schema (triggers and
search index included), then times:

chat_open_100k_ms: the Chat pane (headless Textual, the real ``ChatPane`` over a
PhoneApi that reads that Store) opens the 100k thread and shows its last page: from
``open_thread`` until the page is in the message list and the list has rendered the
lines it shows (the cursor on the newest message). Textual's own frame pacing (it
paints at most every 1/60 s) is not counted. Median of R.
Baseline, same run: the floor, the bare SQL query for the same last page.

chat_search_100k_ms: ``Store.search_messages`` for one word (what the search box asks:
the newest 200 hits) over all messages; median over words of high, middle and low
frequency. Baseline, same run: the same words with ``body LIKE '%word%'`` (no index).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuiphone.model.message import ChatThread, Delivery, Message  # noqa: E402
from tuiphone.store import Store  # noqa: E402
from tuiphone.store.rows import MESSAGE_COLUMNS, message_params  # noqa: E402

PEER = "sip:alice@example.com"
SPELLINGS = (PEER, "<sip:alice@example.com;transport=tcp>", '"Alice" <sip:alice@example.com>')
OTHERS = 40
WORDS = ("lunch", "train", "meeting", "coffee", "tomorrow", "call", "later", "office",
         "report", "weekend", "dinner", "station", "holiday", "budget", "doctor", "parcel")
RARE = "xylophone"  # about one message in 5,000
SEARCHES = ("call", "station", RARE)


def emit(name: str, value: float, unit: str, baseline: float | None, **extra: Any) -> None:
    row: dict[str, Any] = {"name": name, "value": round(value, 3), "unit": unit,
                           "baseline": None if baseline is None else round(baseline, 3)}
    print(json.dumps(row | extra), flush=True)


def _body(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randrange(3, 15))
    if rng.randrange(5000) == 0:
        words.append(RARE)
    return " ".join(words)


def fill(store: Store, count: int) -> None:
    rng = random.Random(7)
    rows = []
    for n in range(count + 2000):
        mine = n < count
        peer = SPELLINGS[n % 3] if mine else f"sip:peer{n % OTHERS}@example.com"
        rows.append(message_params(Message(
            f"m{n}", "acc", "in" if n % 2 else "out", peer, _body(rng), "text/plain",
            1_600_000_000.0 + (n if mine else rng.randrange(count)), Delivery.RECEIVED
            if n % 2 else Delivery.SENT)))
    marks = ", ".join("?" * len(MESSAGE_COLUMNS.split(",")))
    store._write(lambda conn: conn.executemany(
        f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({marks})", rows))


class StorePhone:
    """The PhoneApi methods the Chat pane uses, answered from a Store (as Phone does)."""

    remote = False

    def __init__(self, store: Store) -> None:
        self.store = store

    async def chat_threads(self) -> list[ChatThread]:
        return self.store.threads()

    async def messages(self, peer: str | None = None, limit: int = 100, pending: bool = False,
                       before: str | None = None, after: str | None = None,
                       around: str | None = None) -> list[Message]:
        if around is not None:
            return self.store.messages_around(around, limit)
        return self.store.messages(peer, limit, before, after)

    async def mark_read(self, peer: str) -> int:
        return self.store.mark_read(peer).unread


def open_times(store: Store, runs: int) -> tuple[list[float], list[float]]:
    from textual import on
    from textual.app import App, ComposeResult
    from textual.geometry import Region

    from tuiphone.ui.chat_actions import ChatActions
    from tuiphone.ui.chat_lines import DAY_ID
    from tuiphone.ui.chat_model import PAGE, ChatBook
    from tuiphone.ui.phone_link import PhoneLink
    from tuiphone.ui.widgets.chat import ChatPane

    phone = StorePhone(store)
    times: list[float] = []
    cpu: list[float] = []  # the process's CPU time: what a loaded machine does not inflate

    shown = asyncio.Event()

    class Pane(ChatPane):
        def show_page(self, want: ChatPane.PageWanted, page: list[Message]) -> None:
            super().show_page(want, page)
            shown.set()

    class Bench(App[None]):
        """The pane and the screen's side of it (``ChatActions``), as in the TUI."""

        def compose(self) -> ComposeResult:
            yield Pane(ChatBook())

        def on_mount(self) -> None:
            link = PhoneLink(self)  # type: ignore[arg-type]
            link.attach(phone)  # type: ignore[arg-type]
            self.actions = ChatActions(link, self, lambda: self.query_one(ChatPane))  # type: ignore[arg-type]

        @on(ChatPane.PageWanted)
        def _page(self, message: ChatPane.PageWanted) -> None:
            self.actions.page(message)

        @on(ChatPane.ReadWanted)
        def _read(self, message: ChatPane.ReadWanted) -> None:
            self.actions.mark_read(message.uri)

    async def main() -> None:
        app = Bench()
        async with app.run_test(size=(120, 40)) as pilot:
            pane = app.query_one(ChatPane)
            pane.book.load_threads(await phone.chat_threads())
            pane.refresh_threads()
            conv = pane.query_one("#conversation")
            for _ in range(runs + 1):  # the first one warms up imports and CSS
                for thread in pane.book.threads.values():
                    thread.messages.clear()
                    thread.loaded = False
                shown.clear()
                pane.open_thread("sip:peer1@example.com")
                await shown.wait()
                await pilot.pause()
                shown.clear()
                start = time.perf_counter()
                start_cpu = time.process_time()
                pane.open_thread(PEER)
                await shown.wait()  # the page asked for, fetched and in the list
                # the page's messages, each day also under a line naming it
                days = sum(1 for o in conv.options if str(o.id).startswith(DAY_ID))
                assert conv.option_count - days == PAGE
                region = conv.scrollable_content_region
                strips = conv.render_lines(Region(0, round(conv.scroll_y), region.width,
                                                  region.height))  # the lines on screen
                times.append((time.perf_counter() - start) * 1e3)
                cpu.append((time.process_time() - start_cpu) * 1e3)
                assert len(strips) == region.height
                await pilot.pause()
            assert pane.conversation_text().count("\n") == PAGE + days - 1
    asyncio.run(main())
    return times[1:], cpu[1:]


def floor_times(store: Store, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        store._read(lambda conn: conn.execute(
            "SELECT * FROM messages WHERE thread = ? ORDER BY timestamp DESC, seq DESC"
            " LIMIT 50", ("alice@example.com",)).fetchall())
        out.append((time.perf_counter() - start) * 1e3)
    return out


def search_times(store: Store, runs: int
                 ) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, int]]:
    fts: dict[str, list[float]] = {w: [] for w in SEARCHES}
    like: dict[str, list[float]] = {w: [] for w in SEARCHES}
    hits: dict[str, int] = {}
    for _ in range(runs):
        for word in SEARCHES:
            start = time.perf_counter()
            found = store.search_messages(word, limit=200)
            fts[word].append((time.perf_counter() - start) * 1e3)
            hits[word] = len(found)
            start = time.perf_counter()
            store._read(lambda conn, w=word: conn.execute(
                "SELECT * FROM messages WHERE body LIKE ? ORDER BY seq DESC LIMIT 200",
                (f"%{w}%",)).fetchall())
            like[word].append((time.perf_counter() - start) * 1e3)
    return fts, like, hits


def _medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {w: round(statistics.median(t), 3) for w, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "chat.db"
        with Store(path) as store:
            start = time.perf_counter()
            fill(store, args.messages)
            fill_s = time.perf_counter() - start
            n = args.messages // 1000
            opened, cpu = open_times(store, args.runs)
            floor = floor_times(store, args.runs)
            emit(f"chat_open_{n}k_ms", statistics.median(opened), "ms",
                 statistics.median(floor), runs=len(opened), max=round(max(opened), 3),
                 cpu_ms=round(statistics.median(cpu), 3), target=50)
            fts, like, hits = search_times(store, args.runs)
            every = [t for ts in fts.values() for t in ts]
            emit(f"chat_search_{n}k_ms", statistics.median(every), "ms",
                 statistics.median([t for ts in like.values() for t in ts]),
                 max=round(max(every), 3), per_word=_medians(fts),
                 per_word_baseline=_medians(like), hits=hits, target=50)
            emit(f"chat_fill_{n}k_s", fill_s, "s", None)


if __name__ == "__main__":
    main()
