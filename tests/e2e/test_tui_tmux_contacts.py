"""The Contacts pane in a real terminal: the installed ``tuiphone`` in tmux over a vdir.

A user finds Anna, edits her organisation in the form and saves: only that line of
her card file changes. While the TUI runs, ``tuiphone contacts add`` in another
process adds Dora; the running TUI shows her without being told by the user.
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.e2e.env import installed_tuiphone, isolated_env
from tests.e2e.test_tui_tmux_lab import LOCAL_READY, quit_cleanly
from tests.e2e.tmuxtui import TmuxTui


def _photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (40, 90, 160)).save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode()


ANNA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:anna-1\r\nFN:Anna Arbor\r\nORG:Trees Inc\r\n"
    "TEL;TYPE=cell:+1 212 555 0100\r\nX-KEEP:this line\r\n"
    f"PHOTO;ENCODING=b;TYPE=JPEG:{_photo()}\r\nEND:VCARD\r\n"
)
BOB = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-1\r\nFN:Bob Builder\r\nEND:VCARD\r\n"
EDITOR = re.compile(r"Edit Anna Arbor")


def _setup(root: Path) -> tuple[Path, Path]:
    book = root / "book"
    book.mkdir(parents=True)
    (book / "anna.vcf").write_bytes(ANNA.encode())
    (book / "bob.vcf").write_bytes(BOB.encode())
    config = root / "etc" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[[accounts]]\nid = "local"\nuri = "sip:me@127.0.0.1"\n\n'
        f'[contacts]\ndefault_region = "US"\nvdirs = ["{book}"]\n'
    )
    config.chmod(0o600)
    return book, config


def test_edit_a_contact_and_see_one_added_from_the_cli(
    tui: Callable[..., TmuxTui], tmp_path: Path
) -> None:
    book, config = _setup(tmp_path / "user")
    session = tui([installed_tuiphone(), "--config", str(config)])
    session.wait_for("the engine", LOCAL_READY)
    for _ in range(4):  # dialpad -> calls -> chat -> quickdial -> contacts
        session.send_key("C-n")
    session.wait_for("Anna in the contact list", "Anna Arbor")
    session.wait_for("her card", "Trees Inc")
    session.wait_for("the contacts keys in the footer", "Call contact")
    session.send_key("Tab")  # from the search field into the list
    session.wait_for("the list's keys in the footer", "Edit contact")
    session.send_key("e")
    session.wait_for("the editor on the name field", "Editing: Name")
    assert EDITOR.search(session.last_screen)
    for field in ("Nickname", "Title", "Organisation"):  # the form's order
        session.send_key("Tab")
        session.wait_for(f"the {field.lower()} field focused", f"Editing: {field}")
    session.send_text("Forest Ltd")  # the old value is selected on focus: typing replaces it
    session.send_key("C-s")
    session.wait_for("the saved organisation", lambda s: "Forest Ltd" in s and "Edit Anna" not in s)
    text = (book / "anna.vcf").read_bytes().decode()
    assert text == ANNA.replace("ORG:Trees Inc", "ORG:Forest Ltd")

    env = isolated_env(tmp_path / "user", session.env["XDG_RUNTIME_DIR"])
    added = subprocess.run(
        [installed_tuiphone(), "--config", str(config), "contacts", "add",
         "--set", "fn=Dora Dune", "--set", "phones=+1 212 555 0199", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert added.returncode == 0, added.stderr
    assert len(os.listdir(book)) == 3
    session.wait_for("Dora, added by another process", "Dora Dune")
    quit_cleanly(session)
