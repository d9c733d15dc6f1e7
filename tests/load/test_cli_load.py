"""``tuiphone load`` end to end on the fake SIP world: workers, report, CSV, exit codes,
Ctrl-C. (tests/lab/test_load_lab.py runs it against SIPp and baresip.)"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys

from tests.cli.conftest import ROOT, cli_env, tuiphone


def test_a_run_reports_every_call(tmp_path):
    rows = tmp_path / "calls.csv"
    run = tuiphone("load", "sip:bob@192.0.2.1", "--calls", "6", "--rate", "20",
                   "--concurrent", "5", "--duration", "0", "--json", "--csv", str(rows))
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["plan"]["workers"] == 2
    assert doc["plan"]["accounts"] == [{"id": "local", "mode": "direct"}]
    assert (doc["attempts"], doc["answered"], doc["asr_pct"]) == (6, 6, 100.0)
    assert doc["failed"] == {}
    assert not doc["interrupted"]
    assert sorted(c["n"] for c in doc["calls"]) == [1, 2, 3, 4, 5, 6]
    assert {c["worker"] for c in doc["calls"]} == {0, 1}
    assert doc["mos"]["n"] == 6
    table = list(csv.DictReader(rows.read_text().splitlines(), delimiter=";"))
    assert len(table) == 6
    assert {r["result"] for r in table} == {"answered"}
    progress = [json.loads(line) for line in run.err.splitlines() if line.startswith("{")]
    assert progress[-1]["event"] == "progress"
    assert progress[-1]["answered"] == 6


def test_min_asr_not_met_exits_1_and_names_the_causes():
    run = tuiphone("load", "sip:busy@192.0.2.1", "--calls", "3", "--rate", "100",
                   "--min-asr", "50", "--json")
    assert run.code == 1
    doc = run.json()
    assert doc["failed"] == {"486 Busy Here": 3}
    assert doc["asr_pct"] == 0.0
    assert doc["checks"][0]["ok"] is False
    assert "ASR 0 is below --min-asr 50" in run.err


def test_the_table_for_people():
    run = tuiphone("load", "sip:bob@192.0.2.1", "-n", "2", "-r", "100", "-d", "0")
    assert run.code == 0, run.err
    assert run.out.startswith("tuiphone load sip:bob@192.0.2.1: 2 calls")
    assert "ASR        100 %" in run.out


def test_usage_errors_exit_2():
    assert tuiphone("load", "sip:bob@192.0.2.1", "--account", "nope").code == 2
    assert tuiphone("load", "sip:bob@192.0.2.1", "--calls", "0").code == 2
    assert tuiphone("load", "sip:bob@192.0.2.1", "--csv", "/nonexistent/dir/x.csv").code == 2


def test_a_running_daemon_does_not_matter(daemon):
    run = tuiphone("load", "sip:bob@192.0.2.1", "-n", "2", "-r", "100", "-d", "0", "--json")
    assert run.code == 0, run.err
    assert run.json()["answered"] == 2
    assert daemon.poll() is None


def test_ctrl_c_stops_placing_and_cancels_the_calls_up():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuiphone.cli.main", "load", "sip:noanswer@192.0.2.1",
         "--calls", "50", "--rate", "100", "--concurrent", "4", "--timeout", "60", "--json"],
        env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # progress, one JSON line a second
            if line.startswith("{") and json.loads(line)["ringing"] == 4:
                break
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    doc = json.loads(out)
    assert doc["interrupted"]
    assert (doc["attempts"], doc["cancelled"], doc["asr_pct"]) == (4, 4, None)
