"""``tuiphone register`` against a real Kamailio with digest auth (the SIP lab)."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.cli import conftest
from tests.lab.fixtures import kamailio, kamailio_factory  # noqa: F401 - pytest fixtures
from tests.lab.kamailio import USERS

pytestmark = [pytest.mark.lab]


def write_config(tmp_path, kam, password: str):
    config = tmp_path / "config.toml"
    config.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "alice"\nuri = "sip:alice@{kam.domain}"\n'
        f'registrar = "sip:{kam.host}:{kam.port}"\nusername = "alice"\n'
        f'password = "{password}"\n')
    config.chmod(0o600)
    return config


@pytest.fixture
def real_env(monkeypatch):
    real = conftest.cli_env

    def env():
        values = real()
        values.pop("TUIPHONE_BACKEND", None)
        return values

    monkeypatch.setattr(conftest, "cli_env", env)


def test_register_reports_the_challenge(kamailio, tmp_path, real_env):  # noqa: F811
    config = write_config(tmp_path, kamailio, USERS["alice"])
    run = conftest.tuiphone("--config", str(config), "register", "--timeout", "10", "--json")
    assert run.code == 0, run.err
    result = run.json()
    assert result["status_code"] == 200
    assert result["expires"] > 0
    assert result["auth_challenges"] == 1
    assert 0 < result["time_ms"] < 10_000


def test_wrong_password_exits_4(kamailio, tmp_path, real_env):  # noqa: F811
    config = write_config(tmp_path, kamailio, "wrong")
    run = conftest.tuiphone("--config", str(config), "register", "--timeout", "10")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
