"""The csc: scheme handler the wheel installs hands links to ``tuiphone open``."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

from tuiphone.commands.table import find

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "packaging" / "desktop" / "tuiphone-csc.desktop"


def test_the_desktop_entry_opens_csc_links_with_tuiphone_open():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ENTRY)
    entry = parser["Desktop Entry"]
    assert entry["MimeType"] == "x-scheme-handler/csc;"
    assert entry["Exec"] == "tuiphone open %u"
    assert entry["Terminal"] == "true"  # the secret store's passphrase may be asked
    assert find("open") is not None
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shared = data["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["packaging/desktop/tuiphone-csc.desktop"] == \
        "share/applications/tuiphone-csc.desktop"
