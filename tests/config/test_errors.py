"""Every problem is reported as ``file:line: key: message``, all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuiphone.config import load_config
from tuiphone.model.errors import ConfigError

Problems = Callable[..., list[str]]

TWO_ACCOUNTS = """\
[[accounts]]
id = "a"
uri = "sip:a@example.com"

[[accounts]]
id = "b"
uri = "sip:b@example.com"
transport = "udpp"
"""


def test_bad_enum_has_file_line_and_key(problems_of: Problems) -> None:
    assert problems_of(TWO_ACCOUNTS) == [
        "CFG:8: accounts[1].transport: 'udpp' is not one of auto, udp, tcp, tls"
    ]


def test_syntax_error_has_line_and_column(problems_of: Problems) -> None:
    (problem,) = problems_of('[[accounts]]\nid = "a"\nuri = sip:x\n')
    assert problem.startswith("CFG:3:7: TOML syntax error: ")


def test_unknown_key_suggests_the_close_one(problems_of: Problems) -> None:
    (problem,) = problems_of('[[accounts]]\nid = "a"\nuri = "sip:a@x"\ntrasnport = "tcp"\n')
    assert problem.startswith("CFG:4: accounts[0].trasnport: unknown key 'trasnport' "
                              "(did you mean 'transport'?); valid keys: ")
    assert "register_expires" in problem


def test_unknown_top_level_table(problems_of: Problems) -> None:
    (problem,) = problems_of("[audoi]\nmode = 'null'\n")
    assert problem.startswith("CFG:1: audoi: unknown key 'audoi' (did you mean 'audio'?)")


def test_unknown_feature(problems_of: Problems) -> None:
    text = '[[accounts]]\nid = "a"\nuri = "sip:a@x"\n[accounts.features]\nblff = true\n'
    (problem,) = problems_of(text)
    assert "CFG:5: accounts[0].features.blff: unknown key 'blff' (did you mean 'blf'?)" in problem


def test_wrong_type(problems_of: Problems) -> None:
    text = '[[accounts]]\nid = "a"\nuri = "sip:a@x"\nlocal_port = "5060"\n'
    assert problems_of(text) == [
        "CFG:4: accounts[0].local_port: expected an integer, got a string '5060'"
    ]


def test_bool_is_not_an_integer(problems_of: Problems) -> None:
    text = '[[accounts]]\nid = "a"\nuri = "sip:a@x"\nregister_expires = true\n'
    (problem,) = problems_of(text)
    assert "expected an integer, got a boolean" in problem


def test_register_expires_must_be_positive(problems_of: Problems) -> None:
    text = '[[accounts]]\nid = "a"\nuri = "sip:a@x"\nregister_expires = 0\n'
    (problem,) = problems_of(text)
    assert "accounts[0].register_expires: 0 is out of range" in problem


def test_uri_scheme_must_be_sip(problems_of: Problems) -> None:
    text = '[[accounts]]\nid = "a"\nuri = "http://x"\nregistrar = "example.com"\n'
    assert problems_of(text) == [
        "CFG:3: accounts[0].uri: 'http://x' is not a SIP URI: it must start with sip: or sips:",
        "CFG:4: accounts[0].registrar: 'example.com' is not a SIP URI: it must start with "
        "sip: or sips:",
    ]


def test_missing_required_keys(problems_of: Problems) -> None:
    problems = problems_of('[[accounts]]\nrealm = "x"\n')
    assert problems == ["CFG:1: accounts[0].id: required key is missing",
                        "CFG:1: accounts[0].uri: required key is missing"]


def test_duplicate_account_id(problems_of: Problems) -> None:
    text = TWO_ACCOUNTS.replace('id = "b"', 'id = "a"').replace("udpp", "tcp")
    assert problems_of(text) == [
        "CFG:6: accounts[1].id: duplicate account id 'a' (first defined at line 2)"
    ]


def _accounts(n: int) -> str:
    return "".join(f'[[accounts]]\nid = "a{i}"\nuri = "sip:a{i}@x"\n' for i in range(n))


def test_eight_accounts_with_echo_line_is_too_many(problems_of: Problems) -> None:
    (problem,) = problems_of(_accounts(8))
    assert problem.startswith("CFG:22: accounts[7]: 8 accounts configured, at most 7 allowed")
    assert "the 9th aborts the process" in problem
    assert "echo line" in problem


def test_eight_accounts_without_echo_line_are_fine(load_text: Callable[..., object]) -> None:
    config = load_text(_accounts(8) + "[engine]\necho_line = false\n")
    assert len(config.accounts) == 8  # type: ignore[attr-defined]


def test_nine_accounts_never_fit(problems_of: Problems) -> None:
    (problem,) = problems_of(_accounts(9) + "[engine]\necho_line = false\n")
    assert "9 accounts configured, at most 8 allowed" in problem
    assert "echo line" not in problem


def test_all_problems_are_collected(problems_of: Problems) -> None:
    text = TWO_ACCOUNTS + '[audio]\nmode = "loud"\n[ui]\nlayout = 3\n'
    problems = problems_of(text)
    assert len(problems) == 3
    assert problems[1] == "CFG:10: audio.mode: 'loud' is not one of null, files, device"
    assert problems[2].startswith("CFG:12: ui.layout: expected a string")


def test_bad_sections(problems_of: Problems) -> None:
    text = """\
    [contacts]
    default_region = "usa"
    vdirs = [1]
    [[contacts.carddav]]
    id = "x"
    url = "ftp://x"
    [[quickdial]]
    label = "Bob"
    uri = "http://bob"
    [keymap]
    "call.dial" = ""
    """
    assert [p.split(": ")[0] + " " + p.split(": ")[1] for p in problems_of(text)] == [
        "CFG:2 contacts.default_region", "CFG:3 contacts.vdirs", "CFG:6 contacts.carddav[0].url",
        "CFG:9 quickdial[0].uri", 'CFG:11 keymap."call.dial"',
    ]


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_env_missing_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIPHONE_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="nope.toml: config file not found"):
        load_config()


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_bytes(b"id = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / "c.toml")


def test_single_table_instead_of_array(problems_of: Problems) -> None:
    (problem,) = problems_of('[accounts]\nid = "a"\nuri = "sip:a@x"\n')
    assert problem == ("CFG:1: accounts: expected [[accounts]] tables (an array), got a single "
                       "table: write [[accounts]], not [accounts]")


def test_echo_id_is_reserved_while_echo_line_is_on(problems_of: Problems) -> None:
    (problem,) = problems_of('[[accounts]]\nid = "echo"\nuri = "sip:echo@x"\n')
    assert problem.startswith("CFG:2: accounts[0].id: account id 'echo' is reserved")


def test_echo_id_is_free_without_echo_line(load_text: Callable[..., object]) -> None:
    text = '[[accounts]]\nid = "echo"\nuri = "sip:echo@x"\n[engine]\necho_line = false\n'
    assert load_text(text).accounts[0].id == "echo"  # type: ignore[attr-defined]


def test_unterminated_string_points_at_its_line(problems_of: Problems) -> None:
    assert problems_of('[ui]\ntheme = "unterminated\n') == [
        "CFG:2:22: TOML syntax error: illegal character '\\n'"
    ]


def test_syntax_error_without_trailing_newline(problems_of: Problems) -> None:
    (problem,) = problems_of("[ui]\ncodecs = [")
    assert problem == "CFG:2: TOML syntax error: invalid value at end of file"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read: Is a directory"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[engine]\nbind_address = "eth0"\n',
         "CFG:2: engine.bind_address: 'eth0' is not an IP address"),
        ('[engine]\nnameservers = ["192.0.2.53", "dns.example"]\n',
         "CFG:2: engine.nameservers: not an IP address: 'dns.example'"),
        ('[engine]\nstun_servers = ["stun example"]\n',
         "CFG:2: engine.stun_servers: expected host or host:port, got 'stun example'"),
        ('[engine]\nrtp_headers = -5\n',
         "CFG:2: engine.rtp_headers: -5 is out of range 0..1000000"),
        ('[[accounts]]\nid = "a"\nuri = "sip:a@x"\n[accounts.nat]\nkeepalive = -1\n',
         "CFG:5: accounts[0].nat.keepalive: -1 is out of range 0..3600"),
        ('[[accounts]]\nid = "a"\nuri = "sip:a@x"\n[accounts.nat.turn]\nserver = "t:3478"\n',
         "CFG:4: accounts[0].nat.turn: TURN relays ICE candidates: set ice = true as well"),
        ('[[accounts]]\nid = "a"\nuri = "sip:a@x"\nip_version = "v6"\n',
         "CFG:4: accounts[0].ip_version: 'v6' is not one of auto, ipv4, ipv6, prefer-ipv6"),
    ],
)
def test_network_settings_are_checked(problems_of: Problems, text: str, expected: str) -> None:
    assert problems_of(text)[0].startswith(expected)


def test_retention_days_is_a_bounded_integer(problems_of: Problems) -> None:
    (problem,) = problems_of('[engine]\nhistory_limit = 5\nretention_days = -1\n')
    assert problem.startswith("CFG:3: engine.retention_days: ")
    (problem,) = problems_of('[engine]\nretention_days = "a year"\n')
    assert problem.startswith("CFG:2: engine.retention_days: ")


def test_every_switch_is_built_so_none_warns_of_that(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[accounts]]\nid = "a"\nuri = "sip:a@x"\n[accounts.features]\n'
                    'mwi = true\nlocation = true\nusage_counters = true\nfile_sharing = true\n')
    path.chmod(0o600)
    config = load_config(path)
    assert config.accounts[0].features.mwi
    assert config.accounts[0].features.location
    assert not [w for w in config.warnings if "not built" in w]
    assert config.accounts[0].features.usage_counters  # built: no warning


def test_receipt_and_typing_switches_are_read_off_by_default_and_not_warned(
        tmp_path: Path, problems_of: Problems) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[accounts]]\nid = "a"\nuri = "sip:a@x"\n[accounts.features]\n'
                    'read_receipts = true\ntyping = true\n[[accounts]]\nid = "b"\n'
                    'uri = "sip:b@x"\n')
    path.chmod(0o600)
    config = load_config(path)
    on, off = config.accounts[0].features, config.accounts[1].features
    assert (on.read_receipts, on.typing, off.read_receipts, off.typing) == (
        True, True, False, False)
    assert not config.warnings
    (problem,) = problems_of('[[accounts]]\nid = "a"\nuri = "sip:a@x"\n'
                             '[accounts.features]\ntyping = "yes"\n')
    assert "features.typing" in problem


def test_message_retry_hours_has_file_line_and_range(problems_of: Problems) -> None:
    (problem,) = problems_of("[engine]\necho_line = true\nmessage_retry_hours = 0\n")
    assert problem.startswith("CFG:3: engine.message_retry_hours: ")
    assert problem.endswith("0 is out of range 1..8760")
    (problem,) = problems_of('[engine]\nmessage_retry_hours = "2h"\n')
    assert problem == ("CFG:2: engine.message_retry_hours: expected an integer, "
                       "got a string '2h'")
