"""Store fixtures: a fresh database file per test and small value factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tuiphone.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


def call(
    n: int,
    peer: str = "sip:alice@example.com",
    direction: Direction = Direction.OUTGOING,
    answered: bool = True,
) -> HistoryEntry:
    """Call number ``n`` started at 1000+n*100 s; answered calls last 30 s."""
    started = 1000.0 + n * 100
    return HistoryEntry(
        call_id=f"c{n}",
        account_id="acc",
        direction=direction,
        remote_uri=peer,
        started=started,
        answered=started + 5 if answered else None,
        ended=started + 35,
        code=200 if answered else 486,
        reason="OK" if answered else "Busy Here",
        remote_name=f"Peer {n}",
        mos=4.2 if answered else None,
        loss_pct=1.5 if answered else None,
        jitter_ms=3.25 if answered else None,
        rtt_ms=42.0 if answered else None,
    )


def message(
    n: int,
    peer: str = "sip:alice@example.com",
    direction: str = "in",
    ts: float | None = None,
) -> Message:
    return Message(
        id=f"m{n}",
        account_id="acc",
        direction=direction,
        peer=peer,
        body=f"hello {n}",
        content_type="text/plain",
        timestamp=2000.0 + n if ts is None else ts,
        delivery=Delivery.RECEIVED if direction == "in" else Delivery.QUEUED,
    )
