"""``[accounts.trust]`` and the TLS client certificate keys."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.config import AppConfig
from tuiphone.model.trust import TrustConfig

Problems = Callable[..., list[str]]
Load = Callable[..., AppConfig]
HEAD = '[[accounts]]\nid = "a"\nuri = "sip:a@example.com"\nregistrar = "sip:example.com"\n'
DIRECT = '[[accounts]]\nid = "d"\nuri = "sip:d@192.0.2.1"\n'


def test_defaults_follow_registration(load_text: Load) -> None:
    config = load_text(HEAD + DIRECT)
    registering, direct = config.accounts
    assert registering.trust == TrustConfig()
    assert registering.trust.sources(registering.registers) == ("registrar",)
    assert direct.trust.sources(direct.registers) == ("any",)


def test_a_list_of_addresses_and_networks(load_text: Load) -> None:
    config = load_text(HEAD + '[accounts.trust]\naccept_from = ["registrar", "198.51.100.7",'
                       ' "203.0.113.0/24", "2001:db8::/32"]\nsilent = true\n')
    (acc,) = config.accounts
    assert acc.trust.accept_from == ("registrar", "198.51.100.7/32", "203.0.113.0/24",
                                     "2001:db8::/32")
    assert acc.trust.silent


def test_any_as_a_string(load_text: Load) -> None:
    (acc,) = load_text(HEAD + '[accounts.trust]\naccept_from = "any"\n').accounts
    assert acc.trust.accept_from == ("any",)


def test_bad_entries_have_file_line_and_key(problems_of: Problems) -> None:
    assert problems_of(HEAD + '[accounts.trust]\naccept_from = ["registrar", "pbx.local"]\n') == [
        "CFG:6: accounts[0].trust.accept_from: not an address or CIDR network: 'pbx.local' "
        '(or use "registrar" or "any")'
    ]


def test_any_stands_alone(problems_of: Problems) -> None:
    (problem,) = problems_of(HEAD + '[accounts.trust]\naccept_from = ["any", "registrar"]\n')
    assert problem == ('CFG:6: accounts[0].trust.accept_from: "any" takes every source: '
                       "it stands alone")


def test_registrar_needs_a_registrar(problems_of: Problems) -> None:
    (problem,) = problems_of(DIRECT + '[accounts.trust]\naccept_from = "registrar"\n')
    assert problem.startswith("CFG:5: accounts[0].trust.accept_from: \"registrar\" needs a")


def test_unknown_trust_key(problems_of: Problems) -> None:
    (problem,) = problems_of(HEAD + "[accounts.trust]\nsilnet = true\n")
    assert problem.startswith("CFG:6: accounts[0].trust.silnet: unknown key 'silnet' "
                              "(did you mean 'silent'?)")


def test_client_certificate_and_key_passphrase(load_text: Load) -> None:
    config = load_text(HEAD + 'transport = "tls"\ntls_cert_file = "/etc/c.pem"\n'
                       'tls_key_file = "/etc/k.pem"\n[accounts.tls_key]\npassword_env = "KPW"\n')
    (acc,) = config.accounts
    assert (acc.tls_cert_file, acc.tls_key_file) == ("/etc/c.pem", "/etc/k.pem")
    assert config.secrets["tls-key:a"].env == "KPW"


def test_a_certificate_needs_its_key(problems_of: Problems) -> None:
    (problem,) = problems_of(HEAD + 'tls_cert_file = "/etc/c.pem"\n')
    assert problem == ("CFG:5: accounts[0].tls_cert_file: a client certificate needs both "
                       "tls_cert_file and tls_key_file")
