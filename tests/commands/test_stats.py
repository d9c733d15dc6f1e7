"""stats: a call's figures now and each interval until it ends; call_stats events."""

from __future__ import annotations

import argparse

import pytest

from tuiphone.commands.calls.quality import figures, stats
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallState, CallStats
from tuiphone.model.codec import event_to_jsonable
from tuiphone.model.errors import NotFound
from tuiphone.model.events import CallChanged, CallStatsChanged


async def connected_phone() -> tuple[Phone, str]:
    phone = Phone(EngineSetup(accounts=(AccountConfig("a", "sip:a@127.0.0.1"),),
                              echo_line=False, stats_interval_s=0.05), FakeBackend())
    await phone.start()
    sub = phone.events()
    call = await phone.call("sip:carol@example.com")
    async for ev in sub:
        if isinstance(ev, CallChanged) and ev.call.state is CallState.CONNECTED:
            break
    return phone, call.id


def test_figures_turn_counters_into_loss():
    out = figures("c1", CallStats(codec="PCMA", rx_packets=95, rx_lost=5, rx_jitter_ms=3.26))
    assert (out["loss_pct"], out["jitter_ms"], out["codec"]) == (5.0, 3.3, "PCMA")
    assert figures("c1", CallStats())["loss_pct"] == 0.0


async def test_follow_streams_until_the_call_ends_and_events_carry_them():
    phone, call_id = await connected_phone()
    try:
        sub = phone.events()
        seen = []
        stream = stats(phone, argparse.Namespace(call=None, follow=True))
        async for item in stream:
            seen.append(item)
            if len(seen) == 3:
                await phone.hangup(call_id)
        assert len(seen) >= 3
        assert {s["call"] for s in seen} == {call_id}
        async for ev in sub:
            if isinstance(ev, CallStatsChanged):
                assert event_to_jsonable(ev)["event"] == "call_stats"
                break
    finally:
        await phone.stop()


async def test_no_connected_call_is_not_found():
    phone = Phone(EngineSetup(accounts=(AccountConfig("a", "sip:a@127.0.0.1"),),
                              echo_line=False), FakeBackend())
    await phone.start()
    try:
        with pytest.raises(NotFound):
            await anext(stats(phone, argparse.Namespace(call=None, follow=False)))
        with pytest.raises(NotFound):
            await anext(stats(phone, argparse.Namespace(call="c9", follow=False)))
    finally:
        await phone.stop()
