"""Valid files load into the typed config; no file gives the embedded default."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tuiphone.config import AppConfig, example_config, load_config, parse_config
from tuiphone.config.embedded import login_name
from tuiphone.model.account import DtmfMethod, SrtpMode, Transport
from tuiphone.model.network import IpVersion, NatConfig, TurnConfig

Load = Callable[..., AppConfig]

FULL = """\
[[accounts]]
id = "work"
uri = "sips:alice@example.com"
registrar = "sip:example.com"
proxy = "sip:proxy.example.com;lr"
username = "alice"
realm = "example.com"
transport = "tls"
local_port = 5061
srtp = "mandatory"
tls_verify = false
ca_file = "/etc/ssl/ca.pem"
codecs = ["G722", "PCMU"]
dtmf = "info"
auto_answer = true
register_expires = 600
password_env = "WORK_PW"
ip_version = "prefer-ipv6"
[accounts.features]
blf = true
mwi = true
[accounts.nat]
ice = true
keepalive = 30
contact_rewrite = false
[accounts.nat.turn]
server = "turn.example.com:3478"
username = "alice"
password_env = "TURN_PW"

[[accounts]]
id = "lab"
uri = "sip:lab@10.0.0.1"
proxy = ["sip:p1", "sip:p2"]

[audio]
mode = "files"
play_file = "/tmp/in.wav"
record_dir = "/tmp/rec"

[ui]
theme = "nord"
layout = "wide"

[keymap]
"call.hangup" = "ctrl+e"

[engine]
echo_line = false
bind_address = "::"
nameservers = ["192.0.2.53", "2001:db8::53"]
stun_servers = ["stun.example.com", "stun:[2001:db8::3]:3478"]
history_limit = 50
message_retry_hours = 48
sip_trace_file = "/tmp/trace.log"

[contacts]
default_region = "DE"
vdirs = "/tmp/contacts"
[[contacts.carddav]]
id = "cloud"
url = "https://dav.example.com/"
username = "alice"
password_command = "pass show dav"
verify = false

[[quickdial]]
label = "Bob"
uri = "sip:bob@example.com"
blf = true
pickup = "**"
group = "Team"
[[quickdial]]
label = "Desk"
uri = "100"
"""


def test_full_config(load_text: Load) -> None:
    config = load_text(FULL)
    work, lab = config.accounts
    assert (work.transport, work.srtp, work.dtmf) == (Transport.TLS, SrtpMode.MANDATORY,
                                                     DtmfMethod.INFO)
    assert work.proxy == ("sip:proxy.example.com;lr",)
    assert (work.nat.ice, work.nat.keepalive_s, work.nat.contact_rewrite) == (True, 30, False)
    assert work.nat.turn == TurnConfig("turn.example.com:3478", "alice", "udp")
    assert config.secrets["turn:work"].env == "TURN_PW"
    assert work.ip_version is IpVersion.PREFER_IPV6
    assert lab.nat == NatConfig()
    assert (work.local_port, work.register_expires, work.tls_verify) == (5061, 600, False)
    assert work.features.blf
    assert work.features.mwi
    assert not work.features.presence
    assert work.registers
    assert not lab.registers
    assert lab.proxy == ("sip:p1", "sip:p2")
    assert config.secrets["work"].env == "WORK_PW"
    assert "lab" not in config.secrets


def test_full_config_sections(load_text: Load) -> None:
    config = load_text(FULL)
    assert config.audio.mode == "files"
    assert config.audio.record_dir == "/tmp/rec"
    assert (config.ui.theme, config.ui.layout) == ("nord", "wide")
    assert dict(config.ui.keymap) == {"call.hangup": "ctrl+e"}
    assert (config.engine.echo_line, config.engine.history_limit) == (False, 50)
    assert config.engine.message_retry_hours == 48
    assert config.engine.nameservers == ("192.0.2.53", "2001:db8::53")
    assert config.engine.stun_servers == ("stun.example.com", "[2001:db8::3]:3478")
    assert config.contacts.vdirs == ("/tmp/contacts",)
    (book,) = config.contacts.carddav
    assert book.secret is not None
    assert book.secret.command == ("pass", "show", "dav")
    assert book.secret.name == "carddav:cloud"
    assert book.verify is False
    assert [q.label for q in config.quickdial] == ["Bob", "Desk"]
    assert config.quickdial[0].blf
    assert config.quickdial[0].pickup == "**"
    assert config.embedded is False
    assert config.warnings == ()


def test_source_is_recorded(write_config: Callable[..., Path]) -> None:
    path = write_config(FULL)
    assert load_config(path).source == path


def test_backend_settings(load_text: Load) -> None:
    settings = load_text(FULL).backend_settings()
    assert settings.media.mode == "files"
    assert settings.bind_address == "::"
    assert settings.stun_servers == ("stun.example.com", "[2001:db8::3]:3478")


def test_listens_everywhere_by_default(load_text: Load) -> None:
    settings = load_text('[[accounts]]\nid = "x"\nuri = "sip:x@h"\n').backend_settings()
    assert settings.bind_address is None
    assert settings.nameservers == ()


def test_old_per_account_stun_and_ice_still_work_with_a_warning(load_text: Load) -> None:
    config = load_text('[[accounts]]\nid = "x"\nuri = "sip:x@h"\n'
                       'stun = ["stun.example.com"]\nice = true\n')
    assert config.engine.stun_servers == ("stun.example.com",)
    assert config.accounts[0].nat.ice is True
    assert len(config.warnings) == 2
    assert any("[engine] stun_servers" in w for w in config.warnings)
    assert any("[accounts.nat] ice" in w for w in config.warnings)


def test_defaults_for_a_minimal_account(load_text: Load) -> None:
    (account,) = load_text('[[accounts]]\nid = "x"\nuri = "sip:x@h"\n').accounts
    assert account.register_expires == 300
    assert account.tls_verify is True
    assert account.transport is Transport.AUTO
    assert account.registrar is None


def test_account_voicemail(load_text: Load) -> None:
    (account,) = load_text('[[accounts]]\nid = "x"\nuri = "sip:x@h"\n'
                           'voicemail = "sip:vm@h"\n').accounts
    assert account.voicemail == "sip:vm@h"
    (plain,) = load_text('[[accounts]]\nid = "x"\nuri = "sip:x@h"\n').accounts
    assert plain.voicemail is None


def test_embedded_default_without_any_file() -> None:
    config = load_config()
    assert config.embedded is True
    assert config.source is None
    (account,) = config.accounts
    assert account.id == "local"
    assert not account.registers
    assert account.uri == f"sip:{login_name()}@127.0.0.1"
    assert config.engine.echo_line is True


def test_login_name_is_sanitised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "Jo Smith@home")
    assert login_name() == "JoSmithhome"
    monkeypatch.setattr("getpass.getuser", lambda: "@@")
    assert login_name() == "user"


def test_file_without_accounts_gets_the_local_account(load_text: Load) -> None:
    config = load_text('[ui]\ntheme = "nord"\n')
    assert [a.id for a in config.accounts] == ["local"]
    assert config.embedded is False


def test_empty_account_list_gets_the_local_account(load_text: Load) -> None:
    assert [a.id for a in load_text("accounts = []\n").accounts] == ["local"]


def test_env_var_selects_the_file(write_config: Callable[..., Path],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIPHONE_CONFIG", str(write_config('[ui]\ntheme = "env"\n', name="e")))
    assert load_config().ui.theme == "env"


def test_explicit_path_wins_over_env(write_config: Callable[..., Path],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIPHONE_CONFIG", str(write_config('[ui]\ntheme = "env"\n', name="e")))
    cli = write_config('[ui]\ntheme = "cli"\n', name="c")
    assert load_config(cli).ui.theme == "cli"


def test_default_location_is_read() -> None:
    from tuiphone.config.paths import default_config_file

    path = default_config_file()
    path.parent.mkdir(parents=True)
    path.write_text('[ui]\ntheme = "home"\n')
    assert load_config().ui.theme == "home"


def test_example_config_loads() -> None:
    config = parse_config(example_config())
    assert [a.id for a in config.accounts] == ["local"]
    assert config.warnings == ()


def test_example_config_loads_with_every_option_uncommented() -> None:
    text = re.sub(r'^#(?=[\["a-z])', "", example_config(), flags=re.MULTILINE)
    config = parse_config(text)
    assert [a.id for a in config.accounts] == ["local", "work"]
    assert config.accounts[1].features.blf
    assert config.accounts[1].features.location_in_register
    assert [p.name for p in config.locations] == ["office"]
    assert config.contacts.carddav[0].id == "cloud"
    assert config.quickdial[0].label == "Bob"
