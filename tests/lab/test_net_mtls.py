"""Mutual TLS against a far Kamailio that requires a client certificate from the lab CA
(``verify_client``): ours registers, with its key unlocked by the secret store; without
one the server refuses the handshake and ``tuiphone register`` says so (exit 5)."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.lab.engine_harness import Watch
from tests.lab.net_phone import registered
from tests.lab.sipwire import uri_host
from tuiphone.model.account import AccountConfig, RegState, Transport

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


@pytest.fixture
def mtls(netlab, kamailio_factory):
    far = netlab.far()
    return kamailio_factory(host=far, address=far.v4, tls=True, tls_names=["sip.lab.test"],
                            verify_client=True)


def tls_account(kam, **kwargs) -> AccountConfig:
    return AccountConfig(id="alice", uri=kam.aor("alice"), username="alice",
                         registrar=f"sip:{uri_host(kam.host)}:{kam.tls_port};transport=tls",
                         transport=Transport.TLS, ca_file=str(kam.ca_path), **kwargs)


async def test_a_lab_ca_client_certificate_registers(mtls, phone_factory):
    cert, key = mtls.client_cert("alice", passphrase="key-secret")
    account = tls_account(mtls, tls_cert_file=str(cert), tls_key_file=str(key))
    phone = await phone_factory(account, passwords={"tls-key:alice": "key-secret"})
    await registered(phone, "alice")
    assert mtls.tls_server_names()  # the REGISTER came over the mutual TLS connection


async def test_without_a_client_certificate_the_server_refuses(mtls, phone_factory):
    phone = await phone_factory(tls_account(mtls))
    state = await Watch(phone).settled(phone, "alice")
    assert state.reg_state is RegState.FAILED
    assert not mtls.tls_server_names()  # no request ever got through


def test_register_without_a_certificate_exits_5(mtls, tmp_path, monkeypatch):
    real = cli.cli_env
    monkeypatch.setattr(cli, "cli_env", lambda: {k: v for k, v in real().items()
                                                 if k != "TUIPHONE_BACKEND"})
    config = tmp_path / "config.toml"
    config.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "alice"\nuri = "{mtls.aor("alice")}"\nusername = "alice"\n'
        f'registrar = "sip:{mtls.host}:{mtls.tls_port};transport=tls"\n'
        f'ca_file = "{mtls.ca_path}"\npassword = "alicepw"\n')
    config.chmod(0o600)
    run = cli.tuiphone("--config", str(config), "register", "--timeout", "10")
    assert run.code == 5, run.err
    assert "client certificate" in run.err
    assert "Traceback" not in run.err
