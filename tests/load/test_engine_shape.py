"""A worker's engine: the named accounts, outbound-only, on ephemeral ports, private."""

from __future__ import annotations

import pytest

from tuiphone.config.schema import AppConfig, SecretKind, SecretSpec
from tuiphone.load.engine import (
    account_use,
    authenticates,
    chosen_accounts,
    outbound,
    worker_setup,
)
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.backend import MediaSettings
from tuiphone.model.errors import ConfigError, UsageError

WORK = AccountConfig(id="work", uri="sip:alice@pbx.example.test",
                     registrar="sip:pbx.example.test", local_port=5060,
                     features=Features(blf=True, mwi=True), auto_answer=True)
DIRECT = AccountConfig(id="trunk", uri="sip:test@192.0.2.7")
CONFIG = AppConfig(accounts=(WORK, DIRECT), audio=MediaSettings(mode="files", vad=True),
                   secrets={"work": SecretSpec(SecretKind.PLAIN, "work", value="pw")})


def test_an_account_with_a_registrar_is_used_outbound_only():
    shaped = outbound(WORK)
    assert shaped.registrar is None  # never REGISTERs
    assert shaped.proxy == ("sip:pbx.example.test",)  # but its calls take the same path
    assert shaped.username == "alice"  # and answer digest challenges
    assert authenticates(WORK)
    assert authenticates(shaped)
    assert shaped.local_port == 0
    assert shaped.features == Features()
    assert not shaped.auto_answer
    assert account_use(WORK).mode == "outbound-only"
    assert account_use(DIRECT).mode == "direct"


def test_an_explicit_proxy_is_kept():
    acc = AccountConfig(id="x", uri="sip:x@h", registrar="sip:h", proxy=("sip:edge;lr",))
    assert outbound(acc).proxy == ("sip:edge;lr",)


def test_a_direct_account_stays_direct():
    shaped = outbound(DIRECT)
    assert shaped.registrar is None
    assert shaped.proxy == ()
    assert shaped.username is None
    assert not authenticates(shaped)


def test_chosen_accounts():
    assert chosen_accounts(CONFIG, []) == (WORK,)
    assert chosen_accounts(CONFIG, ["trunk", "work", "trunk"]) == (DIRECT, WORK)
    with pytest.raises(UsageError, match="no account 'nope'"):
        chosen_accounts(CONFIG, ["nope"])
    with pytest.raises(ConfigError):
        chosen_accounts(AppConfig(accounts=()), [])


def test_worker_setup_is_private():
    setup = worker_setup(CONFIG, (WORK,), {"work": "pw"})
    assert setup.db_path is None  # history in memory: nothing lands in the user's database
    assert setup.trace_file is None
    assert not setup.echo_line
    assert setup.quickdial == ()
    assert setup.backend.media == MediaSettings()  # null audio, whatever the config says
    assert [a.id for a in setup.accounts] == ["work"]
    assert setup.accounts[0].registrar is None
    assert setup.passwords("work") == "pw"
    assert setup.passwords("trunk") is None
