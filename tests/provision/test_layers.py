"""The provisioned layer under config.toml: user wins key by key, locked keys win, origins."""

from __future__ import annotations

import os

import pytest
import tomli_w

from tuiphone.config.layers import layer_dir
from tuiphone.config.loader import load_config, load_layered
from tuiphone.config.origins import origin_rows
from tuiphone.provision.tomlfrag import translate
from tuiphone.provision.translation import Unusable


def write_layer(cfg, account, locked=(), pending=None):
    folder = layer_dir(cfg)
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"provisioning": {"source": "https://p.test/x?p=[redacted]",
                            "fetched": "2026-12-04T10:00:00Z", "locked": list(locked)},
           "account": account}
    if pending:
        doc["pending"] = pending
    path = folder / f"{account['id']}.toml"
    path.write_text(tomli_w.dumps(doc))
    return path


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('[[accounts]]\nid = "work"\nregister_expires = 120\n'
                    '[accounts.features]\nmwi = false\n')
    os.chmod(path, 0o600)
    monkeypatch.setenv("TUIPHONE_CONFIG", str(path))
    return path


ACCOUNT = {"id": "work", "uri": "sip:alice@pbx.test", "registrar": "sip:pbx.test",
           "register_expires": 600, "transport": "tcp", "password_store": True,
           "features": {"mwi": True, "presence": False}}


def test_the_users_file_wins_key_by_key(cfg):
    write_layer(cfg, ACCOUNT)
    account = load_config().account("work")
    assert account.uri == "sip:alice@pbx.test"  # only provisioned
    assert account.register_expires == 120  # the user's value wins
    assert account.features.mwi is False  # inside a sub-table too
    assert account.transport.value == "tcp"


def test_a_locked_key_wins_over_the_user_with_a_warning(cfg):
    write_layer(cfg, ACCOUNT, locked=["register_expires", "features.mwi"])
    config = load_config()
    account = config.account("work")
    assert account.register_expires == 600
    assert account.features.mwi is True
    assert any("config.toml:3: accounts[0].register_expires: locked by the provider" in w
               for w in config.warnings)


def test_origins_name_the_line_the_provider_or_the_default(cfg):
    write_layer(cfg, ACCOUNT, locked=["transport"])
    rows = {r["key"]: r["origin"] for r in origin_rows(None)}
    assert rows["accounts[0].register_expires"] == "config.toml:3"
    assert rows["accounts[0].uri"] == ("provisioned 2026-12-04T10:00:00Z from "
                                       "https://p.test/x?p=[redacted]")
    assert rows["accounts[0].transport"].startswith("locked by the provider: provisioned")
    assert rows["accounts[0].realm"] == "default"


def test_a_users_own_password_source_replaces_the_stored_one(cfg):
    cfg.write_text('[[accounts]]\nid = "work"\npassword_env = "WORK_PW"\n')
    write_layer(cfg, ACCOUNT)
    config = load_config()
    assert config.secrets["work"].env == "WORK_PW"


def test_a_provisioned_account_without_a_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TUIPHONE_CONFIG", raising=False)
    write_layer(tmp_path / "xdg" / "tuiphone" / "config.toml", ACCOUNT)
    config, merged, _ = load_layered()
    assert [a.id for a in config.accounts] == ["work"]
    assert merged.origins


def test_pending_values_do_not_apply(cfg):
    account = dict(ACCOUNT, features={"blf": False})
    write_layer(cfg, account, pending={"features.blf": True})
    assert load_config().account("work").features.blf is False


def test_own_format_errors_name_the_url_and_line():
    body = b'[[accounts]]\nid = "w"\nuri = "sip:a@b"\ntransport = "carrier-pigeon"\n'
    with pytest.raises(Unusable) as caught:
        translate(body, "https://p.test/f.toml", None)
    assert caught.value.problems[0].startswith(
        "https://p.test/f.toml:4: accounts[0].transport: 'carrier-pigeon' is not one of")


@pytest.mark.parametrize(("body", "words"), [
    (b'[[accounts]]\nid = "w"\nuri = "sip:a@b"\npassword_command = "rm -rf ~"\n',
     "not accepted from a provider"),
    (b'[engine]\nbind_address = "0.0.0.0"\n[[accounts]]\nid = "w"\nuri = "sip:a@b"\n',
     "cannot be provisioned"),
    (b"[[accounts]\n", "TOML syntax error"),
    # a provider must never make the phone run a program: hooks are the user's only
    (b'[[hooks]]\non = "incoming"\nrun = ["sh"]\n[[accounts]]\nid = "w"\nuri = "sip:a@b"\n',
     "cannot be provisioned"),
])
def test_own_format_refusals(body, words):
    with pytest.raises(Unusable, match=words):
        translate(body, "https://p.test/f.toml", None)


def test_own_format_password_goes_to_secrets_and_locks_are_read():
    body = (b'[[accounts]]\nid = "w"\nuri = "sip:a@b"\npassword = "pw1"\n'
            b'locked = ["transport"]\n[accounts.features]\nblf = true\n'
            b'[provisioning]\ninterval = 6\n')
    (t,) = translate(body, "u", "mine")
    assert t.account["id"] == "mine"
    assert t.secrets == {"password": "pw1"}
    assert "password" not in t.account
    assert t.account["password_store"] is True
    assert t.locked == ["transport"]
    assert t.interval_s == 6 * 3600
