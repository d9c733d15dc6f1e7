"""tuiphone.contacts stays headless: no UI toolkit, no SIP stack."""

from __future__ import annotations

import subprocess
import sys


def test_importing_contacts_pulls_in_no_ui_or_pjsua2() -> None:
    code = (
        "import sys, tuiphone.contacts, tuiphone.contacts.book;"
        "bad = [m for m in ('textual', 'prompt_toolkit', 'pjsua2') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""
