"""``tuiphone provision`` mistakes caught before any request: one line, exit 2."""

from __future__ import annotations

import pytest

from tests.cli.conftest import tuiphone


@pytest.mark.parametrize(("args", "words"), [
    (["provision", "lua://script"], "only http:// and https:// URLs"),
    (["provision", "alice@DEMO"], "set [provisioning] url"),
    (["provision", "csc:alice@de-mo"], "is not a code"),
    (["provision", "https://p.test/", "--password-file", "f", "--password-env", "V"],
     "use only one of --password-file and --password-env"),
    (["provision", "https://p.test/", "--password-env", "SURELY_UNSET_VAR"],
     "SURELY_UNSET_VAR is not set"),
    (["provision", "accept"], "nothing is waiting for your decision"),
    (["open", "https://p.test/"], "opens csc:, sip:, sips: and tel: links only"),
])
def test_mistakes_are_one_line_and_exit_2(args, words):
    run = tuiphone(*args)
    assert run.code == 2, run.err
    assert words in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert "Traceback" not in run.err


def test_status_with_nothing_provisioned():
    run = tuiphone("provision", "status")
    assert run.code == 0, run.err
    assert run.out == "no provisioned account\n"
    assert tuiphone("provision", "status", "--json").json() == []
