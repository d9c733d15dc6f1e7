"""``tuiphone open sip:|sips:|tel:``: the running engine dials; the .desktop entry that
makes tuiphone the desktop's handler for those schemes."""

from __future__ import annotations

import configparser
import subprocess
import tomllib

import pytest
from textual.widgets import Input

from tests.cli.conftest import ROOT, tuiphone
from tests.conftest import need_binary
from tests.ui.helpers import make_app, until
from tuiphone.commands.dial_link import dial_text, is_dial_link
from tuiphone.model.errors import UsageError

ENTRY = ROOT / "packaging" / "desktop" / "tuiphone.desktop"


@pytest.mark.parametrize(("link", "text"), [
    ("sip:bob@example.com", "sip:bob@example.com"),
    ("SIP:bob%40example.com", "sip:bob@example.com"),
    ("sips://carol@example.com;transport=tls", "sips:carol@example.com;transport=tls"),
    ("tel:+1-201-555-0123", "+12015550123"),
    ("tel:(030) 1234.56;phone-context=+49", "030123456"),
])
def test_dial_text(link: str, text: str) -> None:
    assert is_dial_link(link)
    assert dial_text(link) == text


@pytest.mark.parametrize("link", ["sip:", "tel:", "tel:;x=1", "sip:a%0d%0aVia: x"])
def test_empty_or_broken_links_are_usage_errors(link: str) -> None:
    with pytest.raises(UsageError):
        dial_text(link)


def test_other_schemes_are_not_dial_links() -> None:
    assert not is_dial_link("csc:alice@CODE")
    assert not is_dial_link("https://example.com")


def test_open_dials_through_the_running_engine(daemon) -> None:
    run = tuiphone("open", "sip:echo@127.0.0.1", "--json")
    assert run.code == 0, run.err
    call = run.json()
    assert call["remote_uri"].startswith("sip:echo@")
    calls = tuiphone("calls", "--json")
    assert call["id"] in [c["id"] for c in calls.json()]
    tuiphone("hangup", "--all")


def test_a_bad_link_is_one_line_exit_2() -> None:
    run = tuiphone("open", "tel:")
    assert run.code == 2
    assert "Traceback" not in run.err
    assert run.err.count("\n") == 1


async def test_the_tui_starts_with_the_link_in_the_dialpad() -> None:
    app, _ = make_app()
    app.dial = "sip:bob@127.0.0.1"
    async with app.run_test() as pilot:
        dial = app.main.query_one("#dial-input", Input)
        await until(pilot, lambda: dial.value == "sip:bob@127.0.0.1")
        assert app.main.calls == () or all(c.state.value != "calling" for c in app.main.calls)


def test_desktop_entry_handles_sip_sips_tel_and_validates() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ENTRY)
    entry = parser["Desktop Entry"]
    assert entry["MimeType"] == \
        "x-scheme-handler/sip;x-scheme-handler/sips;x-scheme-handler/tel;"
    assert entry["Exec"] == "tuiphone open %u"
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shared = data["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["packaging/desktop/tuiphone.desktop"] == "share/applications/tuiphone.desktop"


@pytest.mark.lab
def test_desktop_file_validate_passes() -> None:
    tool = need_binary("desktop-file-validate")
    for name in ("tuiphone.desktop", "tuiphone-csc.desktop"):
        done = subprocess.run([tool, str(ENTRY.parent / name)], capture_output=True,
                              text=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout == ""  # not even a hint
