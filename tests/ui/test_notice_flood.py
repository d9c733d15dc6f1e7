"""A flood of engine notices (a trunk sending garbage, a failing disk) reaches the
screen as a few toasts and a summary naming how many more came."""

from __future__ import annotations

import re

from tests.ui.helpers import make_app, running, until
from tuiphone.model.events import Notice
from tuiphone.ui.notice_gate import NoticeGate


def test_gate_admits_a_burst_then_holds_and_refills() -> None:
    now = [0.0]
    gate = NoticeGate(burst=2, per_s=1.0, clock=lambda: now[0])
    assert [gate.admit(f"n{i}") for i in range(4)] == [True, True, False, False]
    assert gate.wait_s == 1.0
    assert gate.summary() == "2 more notices; the last: n3"
    assert gate.summary() is None
    now[0] = 1.5  # one and a half tokens back
    assert [gate.admit("a"), gate.admit("b")] == [True, False]


async def test_a_notice_flood_is_a_few_toasts_and_a_summary(monkeypatch) -> None:
    app, phone = make_app()
    shown: list[str] = []
    async with running(app) as pilot:
        real = app.notify
        monkeypatch.setattr(app, "notify", lambda text, **kw: (shown.append(text),
                                                               real(text, **kw))[1])
        for n in range(500):
            phone.bus.publish(Notice("error", f"bad request {n}"))

        def accounted() -> int:
            single = sum(1 for t in shown if t.startswith("bad request"))
            summed = sum(int(m[1]) for t in shown if (m := re.match(r"(\d+) more notices", t)))
            return single + summed

        await until(pilot, lambda: accounted() == 500)
        assert sum(1 for t in shown if t.startswith("bad request")) <= 10
        assert any(t.endswith("the last: bad request 499") for t in shown)
