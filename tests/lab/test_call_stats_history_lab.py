"""A call's last RTP figures (MOS, loss, jitter, RTT) reach history although no front
end polled them: the backend reads them as pjsua destroys the stream."""

from __future__ import annotations

import asyncio
import json
import time

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.lab.test_daemon_faults import _tuiphone, lab_daemon  # noqa: F401 - fixture
from tuiphone.model.account import RegState
from tuiphone.model.call import CallState
from tuiphone.model.events import CallStatsChanged

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def test_history_has_the_final_figures_without_any_poll(kamailio, baresip, phone_factory):
    # One poll at CONNECTED (no packet yet, so no MOS), then none for an hour: whatever
    # history gets comes from the end of the call.
    phone = await phone_factory(lab_account(kamailio, "alice"), stats_interval_s=3600)
    watch = Watch(phone)
    assert (await watch.settled(phone, "alice")).reg_state is RegState.REGISTERED
    call = await phone.call("carol")
    await watch.call_state(call.id, CallState.CONNECTED)
    await asyncio.to_thread(baresip.wait_for_audio, 1.5)  # both ways: it sends from the start
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    figures = [e.stats for e in watch.seen if isinstance(e, CallStatsChanged)]
    assert figures[-1].rx_packets >= 60  # 1.5 s of 20 ms packets: the call's end, rated
    assert figures[-1].mos is not None
    (entry,) = await phone.history(5)
    assert entry.mos is not None
    assert entry.mos > 4.0
    assert entry.loss_pct == 0.0
    assert entry.jitter_ms is not None
    assert 0.0 <= entry.jitter_ms < 20.0
    assert entry.rtt_ms is not None
    assert entry.rtt_ms >= 0.0


async def test_a_daemon_with_no_front_end_writes_them(kamailio, baresip, lab_daemon):  # noqa: F811
    assert _tuiphone("wait", "registered", "--timeout", "20").code == 0
    await asyncio.to_thread(baresip.dial, kamailio.aor("alice"))
    await baresip.ctrl.await_event("CALL_ESTABLISHED")
    await asyncio.to_thread(baresip.wait_for_audio, 1.5)
    await asyncio.to_thread(baresip.hangup)
    await baresip.ctrl.await_event("CALL_CLOSED")
    (row,) = await asyncio.to_thread(_history_when_written)
    assert row["mos"] > 4.0, row
    assert row["loss_pct"] == 0.0
    assert 0.0 <= row["jitter_ms"] < 20.0
    assert row["rtt_ms"] >= 0.0


def _history_when_written(timeout_s: float = 20.0) -> list[dict[str, object]]:
    """``history --json`` once the call's row is there (the daemon writes it as the
    BYE arrives, a moment after baresip reports the call closed); bounded."""
    deadline = time.monotonic() + timeout_s
    while True:
        run = _tuiphone("history", "--json")
        assert run.code == 0, run.err
        rows = json.loads(run.out)
        if rows or time.monotonic() > deadline:
            return rows
