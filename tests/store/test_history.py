"""Call history: newest first, paging, filters, round trip of every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.conftest import call
from tuiphone.model.call import Direction
from tuiphone.model.errors import UsageError
from tuiphone.store import Store


def test_round_trip_keeps_every_field(store: Store) -> None:
    answered, missed = call(1), call(2, answered=False)
    store.add_call(answered)
    store.add_call(missed)
    assert store.history() == [missed, answered]


def test_duration_column_is_filled(store: Store) -> None:
    store.add_call(call(1))
    store.add_call(call(2, answered=False))
    durations = [row["duration"] for row in store.export_all()["calls"]]
    assert durations == [30.0, 0.0]


def test_newest_first_with_paging(store: Store) -> None:
    for n in (3, 1, 5, 2, 4):
        store.add_call(call(n))
    ids = [e.call_id for e in store.history(limit=2, offset=1)]
    assert ids == ["c4", "c3"]
    assert [e.call_id for e in store.history(limit=10)] == ["c5", "c4", "c3", "c2", "c1"]


def test_same_call_id_twice_is_kept_twice(store: Store) -> None:
    # Engine call ids restart with every run, so they are not unique over time.
    store.add_call(call(1))
    store.add_call(call(1))
    assert len(store.history()) == 2


def test_filter_by_peer_and_direction(store: Store) -> None:
    store.add_call(call(1, peer="sip:bob@example.com"))
    store.add_call(call(2, direction=Direction.INCOMING))
    store.add_call(call(3))
    assert [e.call_id for e in store.history(peer="sip:alice@example.com")] == ["c3", "c2"]
    assert [e.call_id for e in store.history(direction=Direction.INCOMING)] == ["c2"]
    both = store.history(peer="sip:alice@example.com", direction=Direction.OUTGOING)
    assert [e.call_id for e in both] == ["c3"]


def test_zero_limit_returns_nothing(store: Store) -> None:
    store.add_call(call(1))
    assert store.history(limit=0) == []


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (10, -5)])
def test_negative_window_is_a_usage_error(store: Store, limit: int, offset: int) -> None:
    with pytest.raises(UsageError, match="must not be negative"):
        store.history(limit=limit, offset=offset)


def test_history_survives_reopening(db_path: Path, store: Store) -> None:
    store.add_call(call(1))
    store.close()
    with Store(db_path) as again:
        assert again.history() == [call(1)]


def test_an_old_database_gains_the_quality_columns_empty(tmp_path: Path) -> None:
    """A call written before the quality columns existed reads back with None figures."""
    import sqlite3

    from tuiphone.store.migrations import MIGRATIONS, migrate

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if "loss_pct" in m))
    migrate(conn, str(path), MIGRATIONS[:before])
    conn.execute("INSERT INTO calls (call_id, account_id, direction, remote_uri, started, "
                 "ended, mos) VALUES ('c9', 'acc', 'outgoing', 'sip:x@example.com', 1, 2, 3.9)")
    assert migrate(conn, str(path)) == len(MIGRATIONS)
    conn.close()
    with Store(path) as store:
        (entry,) = store.history()
    assert (entry.mos, entry.loss_pct, entry.jitter_ms, entry.rtt_ms) == (3.9, None, None, None)
