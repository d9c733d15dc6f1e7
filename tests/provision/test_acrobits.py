"""Account XML -> config values: the facts note's example, hardened parsing, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiphone.provision import acrobits
from tuiphone.provision.mapping import HONOURED
from tuiphone.provision.translation import Unusable

DATA = Path(__file__).parent / "data"


def example():
    (t,) = acrobits.translate((DATA / "account.xml").read_bytes(), "test", None)
    return t


def test_the_example_account_maps_to_config_keys():
    t = example()
    acc = t.account
    assert acc["id"] == "test-alice"
    assert acc["uri"] == "sips:alice@pbx.example.test"  # tls: sips: URIs
    assert acc["registrar"] == "sips:pbx.example.test"
    assert acc["transport"] == "tls"
    assert acc["codecs"] == ["G722", "PCMA", "PCMU"]  # 18 (G.729) is not in this build
    assert acc["dtmf"] == "rfc4733"
    assert acc["srtp"] == "mandatory"
    assert acc["voicemail"] == "*97"
    assert acc["register_expires"] == 300
    assert acc["nat"] == {"keepalive": 25, "ice": False}
    assert acc["features"] == {"mwi": True, "blf": True}
    assert acc["password_store"] is True
    assert "password" not in acc
    assert [q["uri"] for q in t.quickdial] == ["201", "sip:202@pbx.example.test"]
    assert all(q["blf"] for q in t.quickdial)


def test_passwords_go_to_secrets_and_never_into_nodes():
    t = example()
    assert t.secrets == {"password": "alice-secret", "cloud_password": "app-login-pw"}
    assert "password" not in t.nodes
    assert "cloud_password" not in t.nodes
    assert t.nodes["cloud_username"] == "alice@example.test"  # kept for %account[...]%
    assert t.reprovision_url.startswith("https://prov.example.test/acro?u=%account[")
    assert t.interval_s == 3600


def test_a_priority_above_the_users_locks_the_keys_behind_the_node():
    t = example()
    assert t.locked_nodes == ["transport"]
    assert set(t.locked) == {"transport", "uri", "registrar"}


def test_unsupported_nodes_are_listed_as_ignored_not_dropped():
    t = example()
    assert set(t.ignored) == {"title", "userDisplayName", "STUN", "allowMessage",
                              "callWaiting", "rewriting"}
    assert not set(t.ignored) & HONOURED
    assert t.nodes["STUN"] == "stun.example.test:3478"  # kept all the same


def test_tls_with_sip_uris_and_a_proxy():
    body = (b"<account><username>bob</username><host>pbx.test:5070</host>"
            b"<transport>TLS+SIP:</transport><proxy>edge.test:5061</proxy></account>")
    (t,) = acrobits.translate(body, "u", "work")
    assert t.account["id"] == "work"
    assert t.account["uri"] == "sip:bob@pbx.test"
    assert t.account["registrar"] == "sip:pbx.test:5070"
    assert t.account["proxy"] == ["sip:edge.test:5061;lr;transport=tls"]


def test_several_accounts_one_per_element():
    body = (b"<accounts><account id='a'><username>a</username><host>h</host></account>"
            b"<account id='b'><username>b</username><host>h</host></account></accounts>")
    assert [t.account["id"] for t in acrobits.translate(body, "u", None)] == ["a", "b"]


def test_a_duplicated_node_counts_once_the_last_one_with_a_note():
    body = (b"<account><username>a</username><username>b</username><host>h</host>"
            b"</account>")
    (t,) = acrobits.translate(body, "u", None)
    assert t.account["uri"] == "sip:b@h"
    assert any("twice" in n for n in t.notes)


@pytest.mark.parametrize(("body", "words"), [
    (b"<account><username>a</username><host>h</account>", "malformed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><account>&x;</account>',
     "entity expansion is not allowed"),
    (b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><account>&x;</account>',
     "entity expansion is not allowed"),
    (b"<root><quickDial/></root>", "has no Quick Dial item"),
    (b"<root><other/></root>", "no <account> element"),
    (b"<account><host>h</host></account>", "no <username>"),
    (b"<account><username>a</username><host>h h</host></account>", "not host[:port]"),
    (b"<account><username>a</username><host>h</host><transport>sctp</transport></account>",
     "is not udp, tcp, tls"),
    (b"<account><username>a</username><host>h</host><expires>soon</expires></account>",
     "<expires>"),
])
def test_unusable_documents_give_one_line(body, words):
    with pytest.raises(Unusable) as caught:
        acrobits.translate(body, "https://p.test/x", None)
    assert len(caught.value.problems) == 1
    assert words in caught.value.problems[0]
    assert caught.value.problems[0].startswith("https://p.test/x")
