"""Reports for CI and tickets on the real pjsua2 backend: ``run FILE --junit`` (a case
per line, checked with xml.etree against what really happened, baresip playing 880 Hz),
and ``load`` with ``--junit``, ``--jsonl`` and the periodic ``--csv-stats`` (SIPp UAS)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.cli.conftest import ROOT, Run, cli_env

pytestmark = [pytest.mark.lab]


def tuiphone(*args: str, timeout: float = 120) -> Run:
    env = cli_env()
    env.pop("TUIPHONE_BACKEND", None)
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def suite(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuite"
    cases = root.findall("testcase")
    assert int(root.get("tests", "-1")) == len(cases)
    assert int(root.get("failures", "-1")) == len(root.findall("testcase/failure"))
    assert int(root.get("skipped", "-1")) == len(root.findall("testcase/skipped"))
    return root


def test_run_file_junit_has_a_case_per_line(baresip_factory, tmp_path):
    carol = baresip_factory(None, "carol", tone_hz=880.0)
    script = tmp_path / "trunk.txt"
    script.write_text(f"# a trunk check\ncall {carol.contact} --expect-tone 880\n"
                      f"call {carol.contact} --expect-tone 440 --expect-codec PCMU\n"
                      "frobnicate\n"
                      f"call {carol.contact} --expect-media two-way\n")
    junit, lines = tmp_path / "run.xml", tmp_path / "run.jsonl"
    run = tuiphone("run", str(script), "--keep-going", "--junit", str(junit),
                   "--jsonl", str(lines))
    assert run.code == 1, run.err
    root = suite(junit)
    cases = root.findall("testcase")
    assert [c.get("name", "").split(":")[0] for c in cases] == ["2", "3", "4", "5"]
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "2", "0")
    failed = {c.get("name", "").split(":")[0]: c.find("failure") for c in cases}
    assert failed["2"] is None
    assert failed["5"] is None
    assert "expect_tone" in failed["3"].get("message", "")
    assert "expect_codec" not in failed["3"].get("message", "")  # that one held
    assert "frobnicate" in failed["4"].get("message", "")
    assert root.find("properties/property[@name='mos_method']") is not None
    actions = [json.loads(line) for line in lines.read_text().splitlines()]
    assert [list(a) for a in actions] == [["1"], ["2"], ["3"], ["4"]]
    results = [a[k]["result"] for a in actions for k in a]
    assert results == ["PASS", "FAIL", "FAIL", "PASS"]
    assert actions[0]["1"]["rtp_stats"]["Rx"]["pkt"] > 0
    assert actions[0]["1"]["rtp_stats"]["Rx"]["mos_lq"] is not None


def test_run_file_stops_at_the_first_failure_and_skips_the_rest(baresip_factory, tmp_path):
    carol = baresip_factory(None, "carol", tone_hz=440.0)
    script = tmp_path / "stop.txt"
    script.write_text(f"call {carol.contact} --expect-tone 880\nstatus\nstatus\n")
    junit = tmp_path / "stop.xml"
    run = tuiphone("run", str(script), "--junit", str(junit))
    assert run.code == 1, run.err
    root = suite(junit)
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "1", "2")


def test_load_writes_junit_jsonl_and_periodic_stats(sipp_factory, tmp_path):
    uas = sipp_factory.uas(calls=4)
    junit, lines, stats = tmp_path / "load.xml", tmp_path / "load.jsonl", tmp_path / "s.csv"
    run = tuiphone("load", f"sip:svc@{uas.uri_host}", "--calls", "4", "--rate", "4",
                   "--concurrent", "4", "--duration", "1.5", "--min-asr", "100",
                   "--junit", str(junit), "--jsonl", str(lines), "--csv-stats", str(stats),
                   "--csv-interval", "0.5", "--json")
    assert run.code == 0, run.err
    assert "E-model" in run.json()["mos_method"]
    root = suite(junit)
    assert (root.get("tests"), root.get("failures")) == ("5", "0")  # min_asr + 4 calls
    assert root.find("testcase[@name='min_asr']") is not None
    calls = [json.loads(line) for line in lines.read_text().splitlines()]
    assert len(calls) == 4
    assert all(c[k]["result"] == "PASS" and c[k]["cause_code"] == 200
               for c in calls for k in c)
    rows = list(csv.DictReader(stats.read_text().splitlines(), delimiter=";"))
    assert len(rows) >= 3  # the run lasts 2 s or more: a row each 0.5 s, and the last
    assert rows[-1]["answered"] == "4"
    assert rows[-1]["placed"] == "4"
    assert float(rows[-1]["mos_mean"]) > 4
    answered = [int(r["answered"]) for r in rows]
    assert answered == sorted(answered)  # cumulative
    assert rows[0]["mos_method"].startswith("E-model")
    assert uas.wait(30) == 0
