"""The application log: off by default, 0600, rotated, and never a password in it."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, cli_env
from tuiphone.config import parse_config
from tuiphone.config.paths import state_dir
from tuiphone.config.schema import LogConfig, SecretKind, SecretSpec
from tuiphone.config.secrets import resolve_secret
from tuiphone.host import applog

SECRET = "s3cr3t-Pa55word-42"


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    yield
    applog.uninstall()


def test_off_by_default_writes_nothing():
    assert parse_config("").log.level == "off"
    assert applog.install(LogConfig()) is None
    logging.getLogger("tuiphone.test").warning("nothing")
    assert not applog.log_file().exists()


def test_a_private_file_with_secrets_redacted(monkeypatch):
    monkeypatch.setenv("SIP_PW", SECRET)
    assert resolve_secret(SecretSpec(SecretKind.ENV, "work", env="SIP_PW")) == SECRET
    path = applog.install(LogConfig(level="info"))
    assert path == state_dir() / "tuiphone.log"
    log = logging.getLogger("tuiphone.test")
    log.info("registering with %s", SECRET)
    log.info("sent REGISTER\r\nAuthorization: Digest username=\"a\", response=\"abc\"\r\n")
    log.debug("not at info")
    text = path.read_text()
    assert SECRET not in text
    assert 'response="abc"' not in text
    assert "registering with [redacted]" in text
    assert "Authorization: [redacted]" in text
    assert "not at info" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_rotates_at_a_megabyte_and_keeps_three(monkeypatch):
    path = applog.install(LogConfig(level="info"))
    assert path is not None
    log = logging.getLogger("tuiphone.test")
    line = "x" * 1000
    for _ in range(5 * 1100):
        log.info(line)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["tuiphone.log", "tuiphone.log.1", "tuiphone.log.2", "tuiphone.log.3"]
    for rotated in path.parent.iterdir():
        assert stat.S_IMODE(rotated.stat().st_mode) == 0o600
        assert rotated.stat().st_size <= applog.MAX_BYTES + 2000


def test_a_bad_level_is_a_config_error():
    from tuiphone.model.errors import ConfigError

    with pytest.raises(ConfigError, match=r"<config>:2: log.level: 'loud' is not one of"):
        parse_config('[log]\nlevel = "loud"\n')


def test_an_engine_process_keeps_the_log_and_no_password(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[log]\nlevel = "debug"\n[[accounts]]\nid = "work"\n'
                      'uri = "sip:alice@example.com"\nregistrar = "sip:example.com"\n'
                      'password_env = "SIP_PW"\n')
    config.chmod(0o600)
    env = dict(cli_env(), SIP_PW=SECRET)
    out = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                          "register", "--timeout", "10"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    log = Path(os.environ["XDG_STATE_HOME"]) / "tuiphone" / "tuiphone.log"
    assert log.exists()
    everything = b"".join(p.read_bytes() for root in ("XDG_STATE_HOME", "XDG_DATA_HOME")
                          for p in Path(os.environ[root]).rglob("*") if p.is_file())
    assert SECRET.encode() not in everything + out.stdout.encode() + out.stderr.encode()
