"""The worker protocol: every report survives a line, and a record says its cause."""

from __future__ import annotations

import json

import pytest

from tuiphone.load.wire import (
    AccountUse,
    CallOrder,
    CallRecord,
    CallState,
    Done,
    Fatal,
    Outcome,
    Ready,
    decode,
    encode,
    order_line,
    read_order,
)


@pytest.mark.parametrize("report", [
    Ready(1, 4242, (AccountUse("work", "outbound-only"), AccountUse("local", "direct"))),
    CallState(7, "connected"),
    Done(CallRecord(3, 1, "work", Outcome.ANSWERED, 1.5, 200, "OK", "abc", 2.5, 4.0, 2.0,
                    "PCMU/8000", 100, 1, 0.3, 101, 12.0, 4.3)),
    Done(CallRecord(4, 0, "", Outcome.ERROR, 0.0, reason="worker 0 exited")),
    Fatal("starting the SIP stack: address in use", 5),
])
def test_reports_round_trip(report):
    line = encode(report)
    assert line.endswith("\n")
    assert line.count("\n") == 1
    assert decode(line) == report


def test_orders_round_trip():
    order = CallOrder(9, "sip:x@192.0.2.1", None, 2.0, 30.0, "/tmp/a.wav")
    assert read_order(json.loads(order_line(order))) == order


def test_decode_refuses_other_lines():
    for line in ('{"kind": "nope"}', "[1]", '"ready"'):
        with pytest.raises(ValueError, match="not a worker report"):
            decode(line)


def test_cause_and_loss():
    busy = CallRecord(1, 0, "a", Outcome.FAILED, 1.0, 486, "Busy Here")
    assert busy.cause == "486 Busy Here"
    assert CallRecord(1, 0, "a", Outcome.TIMEOUT, 1.0).cause == "timeout"
    assert CallRecord(1, 0, "a", Outcome.ERROR, 1.0, reason="boom").cause == "error: boom"
    lossy = CallRecord(1, 0, "a", Outcome.ANSWERED, 1.0, rx_packets=99, rx_lost=1)
    assert lossy.loss_pct == 1.0
    assert busy.loss_pct is None
