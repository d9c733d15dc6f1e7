"""The installed ``tuiphone`` TUI, driven through tmux like a user would, against the lab.

1. An account registering at Kamailio (digest auth, outbound proxy) calls carol on
   baresip (auto-answer) from the dialpad, hangs up with F3, sees the history row and
   quits with ctrl+q: the process exits 0 with no traceback on screen.
2. A fresh HOME with no config at all: the embedded default starts, ``echo`` answers.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_LAB
from tests.e2e.env import installed_tuiphone
from tests.e2e.tmuxtui import TmuxTui
from tests.lab.baresip import Baresip
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.sipp import scenario

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(
        importlib.util.find_spec("pjsua2") is None and not REQUIRE_LAB, reason="pjsua2 missing"
    ),
]

TRACEBACK = "Traceback (most recent call last)"
# the status bar's "alice ● registered" (whitespace before it, so never "unregistered")
REGISTERED = re.compile(r"\balice\s+\S\s+registered\b")
CALL_TO_CAROL = re.compile(r"Connected\s+carol@127\.0\.0\.1")
HISTORY_CAROL = re.compile(r"^.*\bout\s+carol@", re.MULTILINE)  # a narrow pane may end it in …
# the embedded default's direct-IP account, shown once the engine runs: a dial made
# while the status bar still says "engine: starting" is refused with a toast
LOCAL_READY = re.compile(r"engine: local\s+\S\s+local\s+\S\s+direct\b")
DIALPAD_HINT = "number, user or sip: URI"


def write_config(path: Path, kam: Kamailio) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[[accounts]]\n"
        'id = "alice"\n'
        f'uri = "sip:alice@{kam.domain}"\n'
        f'registrar = "sip:{kam.host}:{kam.port}"\n'
        f'proxy = ["sip:{kam.host}:{kam.port};lr"]\n'
        'username = "alice"\n'
        'password_env = "TP_E2E_ALICE_PW"\n'
        "\n[audio]\n"
        'mode = "null"\n'
    )
    path.chmod(0o600)
    return path


def dial(session: TmuxTui, target: str) -> None:
    """Type ``target`` into the dialpad (focused at start), check it landed, press Enter."""
    session.wait_for("the dialpad", DIALPAD_HINT)
    session.send_text(target)
    session.wait_for(f"{target!r} in the dialpad", re.compile(rf"▊\s+{re.escape(target)}\s+▎"))
    session.send_key("Enter")


def hang_up(session: TmuxTui) -> str:
    session.send_key("F3")
    return session.wait_for("the ended call", lambda s: "Ended" in s and "No calls." in s)


def quit_cleanly(session: TmuxTui) -> None:
    """ctrl+q: the process exits 0 and leaves no traceback on the terminal."""
    session.send_key("C-q")
    code = session.wait_exit()
    if code != 0 or TRACEBACK in session.last_screen:
        session.fail(f"tuiphone exited with status {code}")


def test_register_call_carol_hang_up_and_quit(
    tui: Callable[..., TmuxTui], kamailio: Kamailio, baresip: Baresip, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "user" / "etc" / "config.toml", kamailio)
    session = tui([installed_tuiphone(), "--config", str(config)], TP_E2E_ALICE_PW=USERS["alice"])

    session.wait_for("alice registered in the status bar", REGISTERED)

    dial(session, baresip.user)
    session.wait_for("the call to carol connected", CALL_TO_CAROL)

    hang_up(session)
    session.wait_for("carol's row in the history", HISTORY_CAROL)

    quit_cleanly(session)


def test_no_config_echo_line(tui: Callable[..., TmuxTui]) -> None:
    """A fresh HOME without any config: the embedded default and its echo line."""
    session = tui([installed_tuiphone()])
    session.wait_for("the local account in the status bar", LOCAL_READY)
    dial(session, "echo")
    session.wait_for("the echo call connected", "Connected")
    hang_up(session)
    quit_cleanly(session)


def test_the_callers_verified_identity_shows_on_the_terminal(
    tui: Callable[..., TmuxTui], kamailio: Kamailio, sipp_factory, tmp_path: Path
) -> None:
    """A carrier's INVITE through the registrar with a STIR/SHAKEN verdict: the ringing
    screen shows the asserted number and its mark in words, the call list its glyph; a
    failed verdict says so too."""
    config = write_config(tmp_path / "user" / "etc" / "config.toml", kamailio)
    session = tui([installed_tuiphone(), "--config", str(config)], TP_E2E_ALICE_PW=USERS["alice"])
    session.wait_for("alice registered in the status bar", REGISTERED)
    pai = "<sip:+4930555@carrier.test;user=phone;verstat=TN-Validation-Passed>"
    uac = sipp_factory.uac(f"{kamailio.host}:{kamailio.port}", service="alice",
                           scenario_file=scenario("uac_screened"),
                           extra=("-key", "caller", "spoofy", "-key", "pai", pai))
    session.wait_for("the ringing screen with the verdict and its source, and the mark "
                     "in the call list",
                     lambda s: "✔ TN-Validation-Passed · from P-Asserted-Identity" in s
                     and re.search(r"Ringing\s+\+4930555@carrier\.test\s+✔", s) is not None)
    session.send_key("r")  # reject: SIPp takes the 486
    assert uac.wait(60) == 0, uac.log_tail()
    failed = pai.replace("Passed", "Failed")
    uac = sipp_factory.uac(f"{kamailio.host}:{kamailio.port}", service="alice",
                           scenario_file=scenario("uac_screened"),
                           extra=("-key", "caller", "spoofy", "-key", "pai", failed))
    session.wait_for("the failed verdict on the ringing screen",
                     "✘ TN-Validation-Failed · from P-Asserted-Identity")
    session.send_key("r")
    assert uac.wait(60) == 0, uac.log_tail()
    # history keeps it; at 120 columns its narrow pane shows the party, not the mark
    session.wait_for("the history row", re.compile(r"↙ in\s+\+4930555@", re.MULTILINE))
    quit_cleanly(session)
