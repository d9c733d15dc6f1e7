"""A second process attaches to ``tuiphone daemon`` through the control socket."""

from __future__ import annotations

import signal

from tests.cli.conftest import tuiphone


def test_status_attaches_to_the_daemon(daemon):
    run = tuiphone("status", "--json")
    assert run.code == 0, run.err
    assert run.json()["engine"] == "attached"


def test_calls_survive_between_invocations(daemon):
    placed = tuiphone("--json", "call", "sip:noanswer@example.com", "--timeout", "0.1")
    assert placed.code == 3  # no answer in time: the call is cancelled
    assert tuiphone("calls", "--json").json() == []
    assert tuiphone("call", "echo", "--json").code == 0
    history = tuiphone("history", "--json").json()
    assert [h["code"] for h in history][:2] == [200, 487]


def test_second_daemon_is_refused(daemon):
    run = tuiphone("daemon")
    assert run.code == 2
    assert "already running" in run.err


def test_daemon_stops_cleanly_on_sigterm(daemon):
    from tuiphone.control import socket_path

    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(timeout=30) == 0
    assert not socket_path().exists()
    assert tuiphone("answer").code == 6


def test_daemon_ignores_sighup(daemon):
    daemon.send_signal(signal.SIGHUP)
    assert tuiphone("status", "--json").json()["engine"] == "attached"
    assert daemon.poll() is None
