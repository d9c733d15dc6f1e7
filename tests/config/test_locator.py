from __future__ import annotations

import tomllib

from tuiphone.config.keypath import format_path
from tuiphone.config.locator import Locator

TEXT = """\
# comment
[[accounts]]
id = "a"
codecs = [
  "PCMU",
  "x = 1",
]
transport = "udp"

[[accounts]]
id = "b"
other.blf = true
notes = \"\"\"
fake = 1
\"\"\"
  "quoted key" = 2

[accounts.features]
mwi = true

[contacts]
default_region = "DE"
[[contacts.carddav]]
id = "one"
[[contacts.carddav]]
id = "two"
[keymap]
"call.dial" = "ctrl+d"
"""


def test_keys_of_each_array_table_get_their_own_line() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("accounts", 0, "transport")) == 8
    assert loc.line_of(("accounts", 1, "id")) == 11
    assert loc.line_of(("accounts", 1)) == 10


def test_multiline_values_are_skipped() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("accounts", 0, "x")) == 2  # inside an array: falls back to table
    assert loc.line_of(("accounts", 1, "fake")) == 10
    assert loc.line_of(("accounts", 1, "quoted key")) == 16


def test_dotted_keys_and_subtables_attach_to_current_array_item() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("accounts", 1, "other", "blf")) == 12
    assert loc.line_of(("accounts", 1, "features", "mwi")) == 19


def test_nested_arrays_and_quoted_keys() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("contacts", "carddav", 1, "id")) == 26
    assert loc.line_of(("contacts", "default_region")) == 22
    assert loc.line_of(("keymap", "call.dial")) == 28


def test_sample_is_valid_toml() -> None:
    assert tomllib.loads(TEXT)["accounts"][1]["features"]["mwi"] is True


def test_unknown_path_is_none() -> None:
    assert Locator(TEXT).line_of(("nowhere", "x")) is None


def test_format_path() -> None:
    assert format_path(("accounts", 1, "transport")) == "accounts[1].transport"
    assert format_path(("keymap", "call.dial")) == 'keymap."call.dial"'
