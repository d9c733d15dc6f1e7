"""location show/set and call --dry-run through the real CLI (a private engine on the
fake backend): output, state.toml, exit codes."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from tests.commands.cli import run_command
from tuiphone.config.appstate import load_location_override

CONFIG = """\
[engine]
echo_line = false
[contacts]
default_region = "DE"
[[accounts]]
id = "work"
uri = "sip:alice@127.0.0.1"
dial_prefix = "0"
[accounts.features]
location = true
[[locations]]
name = "hq"
country = "DE"
street = "Hauptstraße"
HNO = "12"
[locations.match]
subnet = "0.0.0.0/0"
[[locations]]
name = "home"
lat = 52.5
lon = 13.4
radius = 20
"""


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUIPHONE_BACKEND", "fake")
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    path.chmod(0o600)
    return path


location = partial(run_command, "location")
call = partial(run_command, "call")


def test_show_set_and_auto(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = location(capsys, cfg, "show")
    assert code == 0
    assert "profile:  hq: country=DE, RD=Hauptstraße, HNO=12" in out
    assert "why:      subnet: our address" in out
    assert "<ca:RD>Hauptstraße</ca:RD>" in out
    code, out, _ = location(capsys, cfg, "set", "home", "--json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["profile"]["name"], shown["rule"]) == ("home", "override")
    assert load_location_override() == "home"
    code, out, _ = location(capsys, cfg, "show", "--json")  # a new engine reads state.toml
    assert json.loads(out)["profile"]["name"] == "home"
    code, _, err = location(capsys, cfg, "set", "nowhere")
    assert code == 2
    assert "no location profile 'nowhere' (profiles: hq, home)" in err
    assert load_location_override() == "home"  # nothing saved
    code, out, _ = location(capsys, cfg, "set", "--auto", "--json")
    assert code == 0
    assert json.loads(out)["rule"] == "subnet"
    assert load_location_override() is None
    code, _, err = location(capsys, cfg, "set")
    assert code == 2
    assert "NAME, or --auto" in err


def test_dry_run_prints_the_invite_and_sends_nothing(cfg: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, cfg, "--dry-run", "0112")
    assert code == 0
    assert out.startswith("INVITE sip:0112@127.0.0.1 SIP/2.0\n")
    cid = out.split("Geolocation: <cid:", 1)[1].split(">", 1)[0]
    assert f"Content-ID: <{cid}>" in out
    assert "Priority: emergency" in out
    assert "Geolocation-Routing: yes" in out
    assert "<ca:HNO>12</ca:HNO>" in out
    assert "-- dry run: an emergency call; nothing was sent." in out
    code, out, _ = call(capsys, cfg, "--dry-run", "5551234", "-H", "X-Test: 1", "--json")
    preview = json.loads(out)
    assert code == 0
    assert not preview["emergency"]
    assert "X-Test: 1" in preview["text"]
    assert "Priority" not in preview["text"]
    assert "SDP offer" in preview["pending"]
