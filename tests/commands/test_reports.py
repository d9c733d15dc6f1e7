"""--junit, --jsonl and the media assertions through the real entry point on the fake
backend: names in the JSON, counts in the XML, voip_patrol's shape in the lines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.cli.conftest import tuiphone
from tuiphone.commands.calls.assertions import direction


@pytest.mark.parametrize(("rx", "tx", "problem", "expected"), [
    (10, 10, None, "two-way"), (10, 0, None, "inbound"), (0, 10, None, "outbound"),
    (0, 0, None, "none"), (10, 10, {"cause": "NAT"}, "outbound"),
])
def test_media_direction(rx, tx, problem, expected):
    rep = {"rx": {"packets": rx}, "tx": {"packets": tx}, "media_problem": problem}
    assert direction(rep) == expected


def test_each_failed_assertion_is_named_and_the_rest_reported(tmp_path):
    junit = tmp_path / "call.xml"
    run = tuiphone("call", "echo", "--expect-codec", "PCMA", "--expect-media", "two-way",
                   "--max-loss", "1", "--max-jitter", "0.1", "--junit", str(junit), "--json")
    assert run.code == 1
    checks = {a["name"]: a["ok"] for a in run.json()["assertions"]}
    assert checks == {"expect_media": True, "expect_codec": False, "max_loss": True,
                      "max_jitter": False}
    assert "expect_codec" in run.err
    assert "max_jitter" in run.err
    message = ET.parse(junit).getroot().find("testcase/failure").get("message")
    assert "expect_codec" in message
    assert "max_jitter" in message
    assert "E-model" in run.json()["mos_method"]


def test_bad_tone_spec_is_a_usage_error():
    run = tuiphone("call", "echo", "--expect-tone", "loud")
    assert run.code == 2
    assert "HZ:TOLERANCE" in run.err


def test_run_junit_and_jsonl_on_every_line(tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("call echo\ncall sip:busy@example.com\n# note\nfrobnicate\nstatus\n")
    junit, lines = tmp_path / "s.xml", tmp_path / "s.jsonl"
    run = tuiphone("run", str(script), "-k", "--junit", str(junit), "--jsonl", str(lines))
    assert run.code == 4
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "2", "0")
    names = [c.get("name") for c in root.findall("testcase")]
    assert names == ["1: call echo", "2: call sip:busy@example.com", "4: frobnicate",
                     "5: status"]
    actions = [json.loads(line) for line in lines.read_text().splitlines()]
    assert [a[str(n)]["result"] for n, a in enumerate(actions, 1)] == [
        "PASS", "FAIL", "FAIL", "PASS"]
    assert actions[1]["2"]["cause_code"] == 486
    assert actions[0]["1"]["action"] == "call"


def test_register_reports_append(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "bob"\nuri = "sip:bob@example.com"\n'
                      'registrar = "sip:example.com"\n')
    config.chmod(0o600)
    lines, junit = tmp_path / "r.jsonl", tmp_path / "r.xml"
    for _ in range(2):
        run = tuiphone("--config", str(config), "register", "--jsonl", str(lines), "--junit",
                       str(junit))
        assert run.code == 0, run.err
    actions = [json.loads(line) for line in lines.read_text().splitlines()]
    assert len(actions) == 2
    assert actions[0]["1"]["action"] == "register"
    assert actions[0]["1"]["result"] == "PASS"
    assert actions[0]["1"]["cause_code"] == 200
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_call_csv_appends_a_row_per_call_under_one_header(tmp_path):
    import csv

    table = tmp_path / "calls.csv"
    assert tuiphone("call", "echo", "--csv", str(table)).code == 0
    assert tuiphone("call", "sip:busy@example.com", "--csv", str(table)).code == 4
    lines = table.read_text().splitlines()
    assert lines[0].startswith("n;start;start_epoch;worker;account;result;code")
    rows = list(csv.DictReader(lines, delimiter=";"))
    assert [(r["result"], r["code"]) for r in rows] == [("answered", "200"), ("failed", "486")]
    assert rows[0]["mos"] == "4.4"
    assert rows[1]["mos"] == ""
    assert rows[0]["mos_method"].startswith("E-model")


def test_run_junit_when_the_engine_cannot_start(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[[accounts]]\nid = 'x'\nuri = 42\n")
    script = tmp_path / "s.txt"
    script.write_text("status\ncall echo\n")
    junit = tmp_path / "s.xml"
    run = tuiphone("--config", str(bad), "run", str(script), "--junit", str(junit))
    assert run.code == 2
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
    assert str(bad) in root.find("testcase/failure").get("message")
