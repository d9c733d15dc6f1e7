"""``tuiphone load`` on the real pjsua2 backend against SIPp (UAS with RTP echo, a UAS
that answers 486 for some calls) and baresip (through Kamailio with digest auth).

Each test checks the run's own report against what the far end counted itself.
"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.cli.conftest import ROOT, Run, cli_env
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.sipp import scenario
from tests.lab.tones import write_tone

pytestmark = [pytest.mark.lab]


def real_env() -> dict[str, str]:
    env = cli_env()
    env.pop("TUIPHONE_BACKEND", None)
    return env


def load(*args: str, timeout: float = 90) -> Run:
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "load", *args],
                          capture_output=True, text=True, env=real_env(), cwd=ROOT,
                          timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text().splitlines(), delimiter=";"))


def test_sipp_uas_with_rtp_echo(sipp_factory, tmp_path):
    uas = sipp_factory.uas(calls=20)
    table = tmp_path / "calls.csv"
    run = load(f"sip:svc@{uas.uri_host}", "--calls", "20", "--rate", "20", "--concurrent",
               "8", "--duration", "1", "--csv", str(table), "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["plan"]["workers"] == 2
    assert (doc["attempts"], doc["answered"], doc["asr_pct"]) == (20, 20, 100.0)
    assert doc["failed"] == {}
    assert doc["acd_s"] >= 1.0
    assert doc["pdd_ms"]["n"] == 20
    assert doc["setup_ms"]["p95"] < 2000
    assert doc["mos"]["n"] == 20  # every call heard its echo
    assert all(c["rx_packets"] > 0 and c["mos"] is not None for c in doc["calls"])
    assert {c["worker"] for c in doc["calls"]} == {0, 1}
    assert len({c["sip_call_id"] for c in doc["calls"]}) == 20
    written = rows(table)
    assert len(written) == 20
    assert {r["result"] for r in written} == {"answered"}
    assert all(float(r["mos"]) > 4 for r in written)
    assert uas.wait(30) == 0
    assert uas.count("SuccessfulCall") == 20


def test_a_rate_one_engine_cannot_take_gets_more_workers(sipp_factory):
    # 150 call starts a second on 2 engines (75 each) aborted both in pjlib: an engine
    # has 64 sockets and frees a call's two only 500 ms after it ends.
    uas = sipp_factory.uas(calls=200)
    run = load(f"sip:svc@{uas.uri_host}", "--calls", "200", "--rate", "150",
               "--concurrent", "8", "--duration", "0", "--timeout", "10", "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["plan"]["workers"] == 5
    assert (doc["attempts"], doc["answered"], doc["failed"]) == (200, 200, {})
    assert "Assertion" not in run.err
    assert uas.wait(30) == 0
    assert uas.count("SuccessfulCall") == 200


def test_play_and_a_mos_the_calls_do_not_reach(sipp_factory, tmp_path):
    uas = sipp_factory.uas(calls=4)
    tone = write_tone(tmp_path / "tone.wav", seconds=3)
    run = load(f"sip:svc@{uas.uri_host}", "--calls", "4", "--rate", "10", "--concurrent",
               "4", "--duration", "1", "--play", str(tone), "--min-mos", "4.6", "--json")
    assert run.code == 1, run.err  # the E-model tops out at 4.5: 4.6 is never met
    doc = run.json()
    assert (doc["answered"], doc["mos"]["n"]) == (4, 4)
    assert all(c["tx_packets"] >= 40 and c["rx_packets"] >= 40 for c in doc["calls"])
    [check] = doc["checks"]
    assert (check["name"], check["ok"]) == ("min_mos", False)
    assert f"tuiphone: mean MOS {check['got']:g} is below --min-mos 4.6" in run.err
    assert uas.wait(30) == 0


def test_sipp_uas_refusing_some_calls(sipp_factory, tmp_path):
    plan = tmp_path / "every4th.csv"
    plan.write_text("SEQUENTIAL\nanswer\nanswer\nanswer\nbusy\n")
    uas = sipp_factory.uas(calls=12, scenario_file=scenario("uas_busy_by_inf"),
                           extra=("-inf", str(plan)))
    run = load(f"sip:svc@{uas.uri_host}", "--calls", "12", "--rate", "20", "--concurrent",
               "4", "--duration", "0.3", "--min-asr", "90", "--json")
    assert run.code == 1, run.err  # ASR 75 % < 90 %
    doc = run.json()
    assert (doc["attempts"], doc["answered"], doc["asr_pct"]) == (12, 9, 75.0)
    assert doc["failed"] == {"486 Busy Here": 3}
    assert [c["outcome"] for c in doc["calls"]].count("failed") == 3
    assert doc["checks"] == [{"name": "min_asr", "wanted": 90.0, "got": 75.0, "ok": False,
                              "message": "ASR 75 is below --min-asr 90"}]
    assert "tuiphone: ASR 75 is below --min-asr 90" in run.err
    assert uas.wait(30) == 0


def test_baresip_through_kamailio_without_registering(kamailio: Kamailio, baresip_factory,
                                                      tmp_path):
    carol = baresip_factory(kamailio.port, "carol")
    config = tmp_path / "config.toml"
    config.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "alice"\nuri = "sip:alice@{kamailio.domain}"\n'
        f'registrar = "{kamailio.registrar_uri}"\nusername = "alice"\n'
        f'password = "{USERS["alice"]}"\n')
    config.chmod(0o600)
    run = load(kamailio.aor("carol"), "--config", str(config), "--account", "alice",
               "--calls", "3", "--rate", "5", "--concurrent", "2", "--duration", "1",
               "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["plan"]["accounts"] == [{"id": "alice", "mode": "outbound-only"}]
    assert (doc["attempts"], doc["answered"]) == (3, 3)
    assert doc["mos"]["n"] == 3  # baresip plays its tone: RTP came back on every call
    assert kamailio.count_requests("REGISTER", from_user="alice") == 0
    assert "LAB-CHALLENGE INVITE from=sip:alice@" in kamailio.log_text()  # digest answered
    assert carol.proc is not None
    assert carol.proc.poll() is None


def test_ctrl_c_hangs_up_the_calls_up_and_places_no_more(sipp_factory):
    uas = sipp_factory.uas(calls=4)  # SIPp ends once 4 calls got their BYE
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuiphone.cli.main", "load", f"sip:svc@{uas.uri_host}",
         "--calls", "50", "--rate", "50", "--concurrent", "4", "--duration", "60", "--json"],
        env=real_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # progress: a JSON line a second
            if line.startswith("{") and json.loads(line)["connected"] == 4:
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
    assert (doc["attempts"], doc["answered"], doc["asr_pct"]) == (4, 4, 100.0)
    assert all(c["duration_s"] < 60 for c in doc["calls"])
    assert uas.wait(30) == 0  # each of the 4 calls was hung up with a BYE
    assert uas.count("SuccessfulCall") == 4
