"""The gate's tally says when a report has work: after a refusal until it is sent and
logged, and not otherwise (the report runs after every poll, in a call after every
RTP packet)."""

from __future__ import annotations

from tuiphone.model.trust import RefusalReason
from tuiphone.sip.gate_tally import EMIT_EVERY_S, LOG_EVERY_S, Tally


def test_pending_from_a_refusal_until_sent_and_logged():
    tally = Tally()
    assert not tally.pending
    tally.refuse("198.18.0.9", RefusalReason.SOURCE, "INVITE", "", now=100.0, at=1.0)
    assert tally.pending
    sent = list(tally.due(100.0))
    assert [t.count for t in sent] == [1]
    lines = list(tally.log_lines(100.0))
    assert len(lines) == 1
    tally.settle()
    assert not tally.pending  # nothing left to send or log


def test_still_pending_while_a_total_waits_for_its_second():
    tally = Tally()
    tally.refuse("198.18.0.9", RefusalReason.SOURCE, "INVITE", "", now=100.0, at=1.0)
    list(tally.due(100.0))
    list(tally.log_lines(100.0))
    tally.settle()
    tally.refuse("198.18.0.9", RefusalReason.SOURCE, "INVITE", "", now=100.1, at=1.1)
    assert list(tally.due(100.1)) == []  # sent less than EMIT_EVERY_S ago
    tally.settle()
    assert tally.pending
    assert [t.count for t in tally.due(100.0 + EMIT_EVERY_S)] == [2]
    assert len(list(tally.log_lines(100.0 + LOG_EVERY_S))) == 1
    tally.settle()
    assert not tally.pending
