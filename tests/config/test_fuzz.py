"""Whatever TOML a user writes, loading ends in an AppConfig or a ConfigError."""

from __future__ import annotations

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import fuzz
from tuiphone.config import parse_config
from tuiphone.model.errors import ConfigError

KEYS = ["id", "uri", "registrar", "proxy", "transport", "local_port", "srtp", "stun", "codecs",
        "dtmf", "register_expires", "features", "password", "password_command", "password_env",
        "password_keyring", "mode", "theme", "label", "url", "carddav", "vdirs", "blf", "x"]
SCALARS = st.one_of(st.booleans(), st.integers(-5, 70000), st.text(max_size=12),
                    st.sampled_from(["sip:a@b", "udp", "tls", "https://x/", "null"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
), max_leaves=12)
TOP = st.dictionaries(
    st.sampled_from(["accounts", "audio", "ui", "keymap", "engine", "contacts", "quickdial",
                     "extra"]),
    st.one_of(VALUES, st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5),
                               max_size=3)),
    max_size=5,
)


@fuzz(100)
@given(TOP)
def test_never_crashes(data: dict[str, object]) -> None:
    text = tomli_w.dumps(data)
    problems: list[str] = []
    try:
        parse_config(text, file_mode=0o600)
    except ConfigError as err:
        problems = err.problems
        assert problems, "a ConfigError must list its problems"  # noqa: PT017
    assert all(p.startswith("<config>:") for p in problems)
