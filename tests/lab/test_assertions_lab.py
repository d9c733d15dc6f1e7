"""``call``'s media assertions on the real pjsua2 backend: baresip playing a tone (880 Hz,
then 440 Hz) for ``--expect-tone``, SIPp answering with RTP echo or with no RTP at all
for ``--expect-media``. Each failed assertion is named in the JSON and the JUnit file."""

from __future__ import annotations

import csv
import subprocess
import sys
import xml.etree.ElementTree as ET

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.cli.conftest import ROOT, Run, cli_env
from tests.lab.sipp import scenario
from tests.lab.test_daemon_faults import lab_daemon  # noqa: F401 - fixture
from tests.lab.tones import write_tone

pytestmark = [pytest.mark.lab]


def call(*args: str, timeout: float = 90) -> Run:
    env = cli_env()
    env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "call", *args, "--json"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def by_name(run: Run) -> dict[str, dict[str, object]]:
    assert "Traceback" not in run.err, run.err
    return {a["name"]: a for a in run.json()["assertions"]}


def test_expect_tone_passes_with_baresips_880_hz(baresip_factory, tmp_path):
    carol = baresip_factory(None, "carol", tone_hz=880.0)
    table = tmp_path / "calls.csv"
    run = call(carol.contact, "--expect-tone", "880:10", "--expect-codec", "PCMU",
               "--max-loss", "1", "--csv", str(table))
    checks = by_name(run)
    assert run.code == 0, (run.out, run.err)
    assert checks["expect_tone"]["ok"] is True
    heard = run.json()["tone"]
    print(f"baresip 880 Hz heard as {heard}")
    assert abs(heard["freq_hz"] - 880) <= 10, heard
    assert heard["share"] > 0.5  # a tone, not noise
    assert checks["expect_codec"]["ok"]
    assert checks["max_loss"]["ok"]
    (row,) = csv.DictReader(table.read_text().splitlines(), delimiter=";")
    assert row["sip_call_id"]
    assert row["sip_call_id"] == run.json()["sip_call_id"]
    assert row["codec"].startswith("PCMU")
    assert float(row["mos"]) > 4


def test_expect_tone_fails_with_440_hz_and_names_it(baresip_factory, tmp_path):
    carol = baresip_factory(None, "carol", tone_hz=440.0)
    junit = tmp_path / "call.xml"
    run = call(carol.contact, "--expect-tone", "880", "--junit", str(junit))
    checks = by_name(run)
    assert run.code == 1, (run.out, run.err)
    assert checks["expect_tone"]["ok"] is False
    print(f"baresip 440 Hz heard as {run.json()['tone']}")
    assert abs(run.json()["tone"]["freq_hz"] - 440) <= 10
    assert "expect_tone" in run.err
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("1", "1")
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert "expect_tone" in failure.get("message", "")
    assert suite.find("properties/property[@name='mos_method']") is not None


def test_expect_media_two_way_passes_with_rtp_echo(sipp_factory, tmp_path):
    uas = sipp_factory.uas(calls=1)
    tone = write_tone(tmp_path / "tone.wav", 1000.0, seconds=10, rate=8000)
    run = call(f"sip:svc@{uas.uri_host}", "--expect-media", "two-way", "--play", str(tone),
               "--max-jitter", "50")
    checks = by_name(run)
    assert run.code == 0, (run.out, run.err)
    assert run.json()["media"]["direction"] == "two-way"
    assert checks["expect_media"]["ok"]
    assert checks["max_jitter"]["ok"]


def test_expect_media_two_way_fails_when_no_rtp_comes_back(sipp_factory):
    uas = sipp_factory.uas(calls=1, scenario_file=scenario("uas_no_rtp"), rtp_echo=False)
    run = call(f"sip:svc@{uas.uri_host}", "--expect-media", "two-way", "--max-loss", "5")
    checks = by_name(run)
    assert run.code == 1, (run.out, run.err)
    rep = run.json()
    assert rep["tx"]["packets"] > 0
    assert rep["rx"]["packets"] == 0
    assert rep["media"]["direction"] == "outbound"
    assert rep["media_problem"] is not None  # the engine's one-way-audio check saw it
    assert checks["expect_media"]["ok"] is False
    assert checks["max_loss"]["got"] == "no RTP"
    assert checks["max_loss"]["ok"] is False
    assert "expect_media" in run.err
    assert "max_loss" in run.err
    assert uas.wait(30) == 0  # the call ended with our BYE, as the scenario wanted



def test_expect_tone_through_a_running_daemon(kamailio, baresip, lab_daemon):  # noqa: F811
    """The daemon records (it may have a /tmp of its own under systemd): the recording
    goes beside the control socket, and is gone afterwards."""
    from tuiphone.control import socket_path

    run = call(kamailio.aor("carol"), "--expect-tone", "880:10", "--expect-media", "two-way")
    checks = by_name(run)
    assert run.code == 0, (run.out, run.err)
    assert checks["expect_tone"]["ok"] is True
    assert checks["expect_media"]["ok"] is True
    assert run.json()["account"] == "alice"  # the daemon's account: it placed the call
    assert list(socket_path().parent.glob("tone-*")) == []
