"""BlfWatcher on a real pjsua2 Endpoint, no SIP server: hook self-check, polling
fallback, limits. Each test runs its scenario in a subprocess (see driver.py)."""

from __future__ import annotations

import signal

import pytest

from tests.blf.driver import run_driver
from tuiphone.sip.blf.hook import LayoutError, check_versions
from tuiphone.sip.blf.native import MAX_BUDDIES
from tuiphone.sip.blf.watcher import MAX_BLF

pytestmark = pytest.mark.pjsua


def test_self_check_passes_on_this_wheel_and_events_arrive_by_callback() -> None:
    run = run_driver("selfcheck")
    assert run.returncode == 0, run.stderr[-2000:]
    check = run.first("self_check")
    assert (check["ok"], check["mode"]) == (True, "callback")
    # pjsua itself answers SUBSCRIBE Event: dialog with 489; poll() is a no-op in
    # callback mode, so this lamp can only have come through the hook.
    states = [(lamp["state"], lamp["code"]) for lamp in run.all("lamp")]
    assert states == [("unknown", 0), ("failed", 489)]
    assert run.first("reached") is True
    assert "PJSIP_EINVALIDURI" in run.first("invalid_uri")
    assert "off the thread" in run.first("wrong_thread")
    assert run.first("done") is True
    assert all(run.first("slots_before_close"))
    assert run.first("slots_after_close") == [None, None]  # cleared before libDestroy


def test_forged_layout_falls_back_to_polling() -> None:
    run = run_driver("selfcheck", "forged")
    assert run.returncode == 0, run.stderr[-2000:]
    check = run.first("self_check")
    assert (check["ok"], check["mode"]) == (False, "poll")
    assert "on_buddy_evsub_state" in check["detail"]
    assert [lamp["state"] for lamp in run.all("lamp")] == ["unknown", "failed"]
    assert run.first("slots_before_close") == [None, None]  # nothing written when unsure


def test_watcher_refuses_before_pjsua_buddy_table_is_full() -> None:
    run = run_driver("limit")
    assert run.returncode == 0, run.stderr[-2000:]
    assert max(run.all("buddies")) == MAX_BUDDIES
    assert run.first("left_when_full") == 0
    assert run.first("watcher_ok") == 5
    assert run.first("buddy_count") == MAX_BLF
    assert str(MAX_BLF) in run.first("limit")


def test_pjsua_aborts_past_its_buddy_table_which_is_why_we_guard() -> None:
    run = run_driver("overflow")
    assert run.returncode == -signal.SIGABRT
    assert max(run.all("buddies")) == MAX_BUDDIES
    assert "pjsua_buddy_add" in run.stderr


@pytest.mark.parametrize("lib_version", ["2.16", "2.15", ""])
def test_other_library_versions_are_refused(lib_version: str) -> None:
    with pytest.raises(LayoutError, match="BLF needs 2.15.1"):
        check_versions(lib_version)


def test_this_wheel_passes_the_version_check() -> None:
    check_versions("2.15.1")  # raises if the installed wheel or the struct mirror differ
