"""usage / usage --json / usage reset through the CLI, and the counters in data
export, show and erase. A one-shot command runs a private engine (the fake backend)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from tests.commands.cli import run_command

CONFIG = '[[accounts]]\nid = "a"\nuri = "sip:me@127.0.0.1"\n[accounts.features]\n'


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUIPHONE_BACKEND", "fake")
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + "usage_counters = true\n")
    path.chmod(0o600)
    return path


usage = partial(run_command, "usage")


def _call_echo(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    code, _, err = run_command("call", capsys, config, "echo", "--expect", "answered")
    assert code == 0, err


def test_a_call_is_counted_shown_exported_and_reset(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _call_echo(capsys, config)
    code, out, _ = usage(capsys, config, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["counting"] == {"a": True}
    assert report["app"] == {"start.cli": 1}
    assert report["accounts"]["a"]["calls.answered"] == 1
    code, out, _ = usage(capsys, config)
    assert out.startswith("counting (local only, never sent): a\napp: start.cli 1\na: ")
    code, out, _ = run_command("data", capsys, config, "export", "--json")
    assert json.loads(out)["counters"]["a:calls.answered"] == 1
    code, out, _ = run_command("data", capsys, config, "show", "--json")
    assert "counters" in json.loads(out)[0]["rows"]
    code, _, err = usage(capsys, config, "reset")
    assert code == 2
    assert "--yes" in err
    code, out, _ = usage(capsys, config, "reset", "--yes", "--json")
    assert json.loads(out)["counters_deleted"] >= 3
    code, out, _ = usage(capsys, config, "--json")
    assert json.loads(out)["accounts"] == {}


def test_data_erase_removes_the_counters(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _call_echo(capsys, config)
    code, _, _ = run_command("data", capsys, config, "erase", "--yes")
    assert code == 0
    code, out, _ = usage(capsys, config, "--json")
    assert json.loads(out)["app"] == {}
    assert json.loads(out)["accounts"] == {}


def test_switch_off_counts_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_text(CONFIG + "usage_counters = false\n")
    _call_echo(capsys, config)
    code, out, _ = usage(capsys, config)
    assert out == "counting (local only, never sent): off\nno counters kept\n"
