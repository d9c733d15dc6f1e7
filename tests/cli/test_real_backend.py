"""The CLI on the real pjsua2 backend, on loopback (no lab needed)."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.cli import conftest

pytestmark = [pytest.mark.pjsua]


@pytest.fixture(autouse=True)
def _real_backend(monkeypatch):
    real = conftest.cli_env

    def env():
        values = real()
        values.pop("TUIPHONE_BACKEND", None)
        return values

    monkeypatch.setattr(conftest, "cli_env", env)


def test_echo_call_with_dtmf_round_trip():
    run = conftest.tuiphone("call", "echo", "--dtmf", "1", "--expect-dtmf", "1", "--json")
    assert run.code == 0, run.err
    report = run.json()
    assert report["rx"]["packets"] > 0
    assert report["mos"] is not None


def test_unresolvable_host_exits_5():
    run = conftest.tuiphone("call", "sip:x@host.invalid", "--timeout", "20")
    assert run.code == 5, run.err
    assert "Traceback" not in run.err
