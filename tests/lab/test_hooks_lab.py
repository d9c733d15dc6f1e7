"""[[hooks]] in a real daemon: baresip calls through Kamailio, the hooks get the event's
JSON, a hook that hangs is killed at its timeout, and the call goes on regardless."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab.daemon_proc import account_config, start_daemon, stop, tuiphone
from tests.lab.fixtures import baresip_factory, kamailio, kamailio_factory  # noqa: F401

pytestmark = [pytest.mark.lab]

WRITE = ("import json, os, sys; "
         "open(sys.argv[1] + '.tmp', 'w').write(json.dumps({'stdin': json.load(sys.stdin), "
         "'argv': sys.argv[2:], 'env': {k: v for k, v in os.environ.items() "
         "if k.startswith('TUIPHONE_')}})); os.rename(sys.argv[1] + '.tmp', sys.argv[1])")
HANG = ("import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); "
        "time.sleep(120)")


def until(check, timeout_s: float = 20.0, what: str = ""):
    """Bounded poll for something another process makes (a file, a process's end)."""
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
    return found


def hooks_toml(tmp: Path) -> str:
    py = json.dumps(sys.executable)
    return (f'[[hooks]]\non = "incoming"\nrun = [{py}, "-c", {json.dumps(WRITE)}, '
            f'"{tmp}/incoming.json", "{{caller}}"]\n'
            f'[[hooks]]\non = "incoming"\nrun = [{py}, "-c", {json.dumps(HANG)}, '
            f'"{tmp}/hang.pid"]\ntimeout = 2\n'
            f'[[hooks]]\non = "call_ended"\nrun = [{py}, "-c", {json.dumps(WRITE)}, '
            f'"{tmp}/ended.json"]\n')


def test_hooks_fire_with_json_and_a_hung_one_is_killed(kamailio, baresip_factory,  # noqa: F811
                                                        tmp_path):
    carol = baresip_factory(kamailio.port, "carol")
    config = account_config(tmp_path / "config.toml", kamailio, extra=hooks_toml(tmp_path))
    daemon = start_daemon(config)
    log = ""
    try:
        carol.dial(kamailio.aor("alice"))
        incoming = until(lambda: _json(tmp_path / "incoming.json"), what="the incoming hook")
        hang_pid = int(until(lambda: _text(tmp_path / "hang.pid"), what="the hanging hook"))
        # the call is answered while the hung hook still runs: hooks never hold a call
        answered = tuiphone(config, "answer", "--json")
        assert answered.code == 0, answered.err
        until(lambda: not _alive(hang_pid), 10, "the hung hook to be killed")
        hung_up = tuiphone(config, "hangup", "--json")
        assert hung_up.code == 0, hung_up.err
        ended = until(lambda: _json(tmp_path / "ended.json"), what="the call_ended hook")
    finally:
        log = stop(daemon)
    assert incoming["stdin"]["event"] == "incoming"
    assert incoming["stdin"]["caller"].startswith("sip:carol@")
    assert incoming["argv"] == [incoming["stdin"]["caller"]]
    assert incoming["env"]["TUIPHONE_CALLER"] == incoming["stdin"]["caller"]
    assert incoming["env"]["TUIPHONE_ACCOUNT"] == "alice"
    assert ended["stdin"]["event"] == "call_ended"
    assert ended["stdin"]["call_id"] == incoming["stdin"]["call_id"]
    assert float(ended["stdin"]["duration_s"]) >= 0.0
    assert "still running after 2 s; killed" in log
    assert log.count("hook incoming") == 1  # logged once


def _json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def _text(path: Path) -> str | None:
    text = path.read_text() if path.exists() else ""
    return text or None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
