"""``data erase --peer`` beside a running daemon asks it to forget the peer's trace."""

from __future__ import annotations

from tests.cli.conftest import tuiphone


def test_erase_peer_asks_the_running_engine(daemon):
    done = tuiphone("--json", "data", "erase", "--peer", "sip:bob@example.com", "--yes")
    assert done.code == 0, done.err
    assert done.json()["trace_records_removed"] == 0  # answered by the daemon: its ring
    assert daemon.poll() is None
