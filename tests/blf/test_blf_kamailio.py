"""BLF against a real Kamailio: carol watches alice and bob while alice calls bob.

Each test starts its own Kamailio (tests/blf/kamailio_blf.py) and runs the pjsua2
side in a subprocess (see driver.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.blf.driver import DriverRun, run_driver
from tests.blf.kamailio_blf import Kamailio, running_kamailio
from tests.conftest import need_binary

pytestmark = pytest.mark.lab


@pytest.fixture
def kamailio(tmp_path: Path) -> Iterator[Kamailio]:
    with running_kamailio(need_binary("kamailio"), tmp_path) as server:
        yield server


@pytest.fixture
def kamailio_all_dialogs(tmp_path: Path) -> Iterator[Kamailio]:
    with running_kamailio(need_binary("kamailio"), tmp_path, single_dialog=False) as server:
        yield server


def states(run: DriverRun, uri: str) -> list[str]:
    """The lamp's states with repeats collapsed (dialog details may change in between)."""
    out: list[str] = []
    for lamp in run.lamps(uri):
        if not out or out[-1] != lamp["state"]:
            out.append(lamp["state"])
    return out


def check_call(run: DriverRun, k: Kamailio) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    assert all(step["ok"] for step in run.records if "step" in step), run.records
    alice, bob = k.uri("alice"), k.uri("bob")
    assert states(run, alice) == ["unknown", "idle", "ringing", "busy", "idle", "unknown", "idle"]
    assert states(run, bob) == ["unknown", "idle", "ringing", "busy", "idle"]
    expected = ((alice, "initiator", "sip:bob@"), (bob, "recipient", "sip:alice@"))
    for uri, direction, remote in expected:
        live = [lamp for lamp in run.lamps(uri) if lamp["state"] in ("ringing", "busy")]
        assert {lamp["direction"] for lamp in live} == {direction}
        assert all(lamp["remote"].startswith(remote) for lamp in live)
    resubscribed = run.lamps(alice)[-1]
    assert (resubscribed["remote"], resubscribed["since"]) == ("", None)
    forbidden = run.lamps(k.uri("forbidden"))[-1]
    assert (forbidden["state"], forbidden["code"]) == ("failed", 403)


def test_lamps_follow_a_call_by_callback(kamailio: Kamailio) -> None:
    run = run_driver("call", str(kamailio.port))
    assert run.first("self_check")["mode"] == "callback"
    check_call(run, kamailio)


def test_lamps_follow_a_call_by_polling(kamailio: Kamailio) -> None:
    run = run_driver("call", f"{kamailio.port},forged")
    assert run.first("self_check")["mode"] == "poll"
    check_call(run, kamailio)


def test_full_notify_body_gives_every_dialog(kamailio_all_dialogs: Kamailio) -> None:
    """pjsua's own parse keeps one <dialog>; the raw body read through the hook keeps all."""
    k = kamailio_all_dialogs
    run = run_driver("twocalls", str(k.port))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.first("self_check")["full_body"] is True
    assert all(step["ok"] for step in run.records if "step" in step), run.records
    two = run.first("two")
    # alice talks to bob (confirmed) while dave's call rings at her (early): busy wins.
    assert (two["state"], two["dialogs"], two["remote"]) == ("busy", 2, "sip:bob@127.0.0.1")
    assert run.lamps(k.uri("alice"))[-1]["state"] == "idle"
