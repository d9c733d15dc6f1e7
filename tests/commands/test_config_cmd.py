"""config path / init / check, as a new user runs them (a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import ROOT, cli_env


def tuiphone(*words: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *words],
                          env=env or cli_env(), cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def default_path() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "tuiphone" / "config.toml"


def test_init_writes_a_private_starter_that_checks_and_never_overwrites():
    path = default_path()
    assert json.loads(tuiphone("--json", "config", "path").stdout) == {
        "path": str(path), "exists": False, "from": "default"}
    made = tuiphone("--json", "config", "init")
    assert made.returncode == 0, made.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    text = path.read_text()
    assert "[[accounts]]" in text
    assert "edit the accounts" in json.loads(made.stdout)["next"]
    checked = tuiphone("--json", "config", "check")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["accounts"] == ["local"]
    path.write_text(text + "\n# mine\n")
    again = tuiphone("config", "init")
    assert again.returncode == 2
    assert "exists; not overwritten" in again.stderr
    assert path.read_text().endswith("# mine\n")


def test_check_reports_file_line_key_and_exits_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[accounts]]\nid = "a"\nuri = "sip:a@h"\nregister_expires = "soon"\n')
    bad.chmod(0o600)
    out = tuiphone("--config", str(bad), "config", "check")
    assert out.returncode == 2
    assert f"{bad}:4: accounts[0].register_expires:" in out.stderr
    assert "Traceback" not in out.stderr


def test_path_follows_the_environment_and_the_option(tmp_path):
    env = dict(cli_env(), TUIPHONE_CONFIG=str(tmp_path / "env.toml"))
    assert json.loads(tuiphone("--json", "config", "path", env=env).stdout)["from"] == \
        "TUIPHONE_CONFIG"
    named = json.loads(tuiphone("--json", "--config", str(tmp_path / "x.toml"), "config",
                                "path", env=env).stdout)
    assert named == {"path": str(tmp_path / "x.toml"), "exists": False, "from": "--config"}
    made = tuiphone("--config", str(tmp_path / "sub" / "x.toml"), "config", "init")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "sub" / "x.toml").exists()
