"""Line numbers in a realistic multi-account file point at the offending key."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Problems = Callable[..., list[str]]

MULTI = """\
# my phone
[engine]
echo_line = false

[[accounts]]   # the office
id = "office"
uri = "sip:me@office.example"
registrar = "sip:office.example"
codecs = [
  "G722",
  "PCMU",
]
password_command = ["pass", "office"]

[accounts.features]
blf = true

[[accounts]]
id = "home"
uri = "sip:me@home.example"
features = { presence = true }
transport = "tcp"

[[accounts]]
id="lab"
uri="sip:lab@10.0.0.9"
srtp="optional"
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('registrar = "sip:office.example"', 'registrar = "office.example"',
         "CFG:8: accounts[0].registrar:"),
        ("blf = true", "blf = 1", "CFG:16: accounts[0].features.blf:"),
        ('transport = "tcp"', 'transport = "sctp"', "CFG:22: accounts[1].transport:"),
        ("presence = true", "presense = true", "CFG:21: accounts[1].features.presense:"),
        ('srtp="optional"', 'srtp="maybe"', "CFG:27: accounts[2].srtp:"),
        ('id="lab"', 'id="home"', "CFG:25: accounts[2].id:"),
        ('"PCMU",', "5,", "CFG:9: accounts[0].codecs:"),
        ("echo_line = false", 'echo_line = "no"', "CFG:3: engine.echo_line:"),
    ],
)
def test_error_points_at_the_key(problems_of: Problems, old: str, new: str,
                                 expected: str) -> None:
    assert old in MULTI
    (problem,) = problems_of(MULTI.replace(old, new))
    assert problem.startswith(expected)


def test_the_sample_itself_is_valid(load_text: Callable[..., object]) -> None:
    config = load_text(MULTI)
    assert [a.id for a in config.accounts] == ["office", "home", "lab"]  # type: ignore[attr-defined]
