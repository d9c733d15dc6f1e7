"""Placeholders, encoding, redaction and the cloud-ID forms."""

from __future__ import annotations

import pytest

from tuiphone.model.errors import UsageError
from tuiphone.provision import cloudid
from tuiphone.provision.template import fill, redact_filled, redact_url


def test_values_are_url_encoded_and_unknown_placeholders_stay():
    url = fill("https://p.test/a?u=%username%&p=%password%&c=%fullcode%&x=%installid%",
               {"username": "al ice@x", "password": "p&w=1", "fullcode": "DEMO*"})
    assert url == ("https://p.test/a?u=al%20ice%40x&p=p%26w%3D1&c=DEMO%2A&x=%installid%")


def test_json_bodies_are_json_escaped():
    body = fill('{"u":"%username%","p":"%password%"}', {"username": 'a"b', "password": "x"},
                json_body=True)
    assert body == '{"u":"a\\"b","p":"x"}'


def test_account_placeholders():
    url = fill("https://p.test/?u=%account[cloud_username]%", {"account[cloud_username]": "a@b"})
    assert url == "https://p.test/?u=a%40b"


def test_redaction_hides_every_password_form():
    shown = redact_filled("https://p.test/?u=%username%&p=%password%&c=%account[cloud_password]%",
                          {"username": "al", "password": "s3cret",
                           "account[cloud_password]": "other"})
    assert "s3cret" not in shown
    assert "other" not in shown
    assert shown == "https://p.test/?u=al&p=[redacted]&c=[redacted]"
    assert redact_url("https://u:pw@p.test/x?password=1&a=2") == \
        "https://u:[redacted]@p.test/x?password=[redacted]&a=2"


@pytest.mark.parametrize(("text", "code", "user", "password"), [
    ("alice@DEMO", "DEMO", "alice", None),
    ("someone%40server.com@DEMO*", "DEMO*", "someone@server.com", None),
    ("DEMO", "DEMO", "", None),
    ("csc:alice:p%40ss@DEMO", "DEMO", "alice", "p@ss"),
    ("csc:alice@DEMO", "DEMO", "alice", None),
    ("csc:DEMO*", "DEMO*", "", None),
    ("a@b@DEMO", "DEMO", "a@b", None),
])
def test_cloud_ids_split_at_the_last_at(text, code, user, password):
    parsed = cloudid.parse(text)
    assert (parsed.code, parsed.username, parsed.password) == (code, user, password)
    assert "p@ss" not in repr(parsed)


def test_a_bad_code_is_a_usage_error():
    with pytest.raises(UsageError, match="not a code"):
        cloudid.parse("csc:alice@de-mo")


def test_a_url_with_a_literal_password_is_told_from_a_template():
    from tuiphone.provision.apply import _literal_secret

    assert not _literal_secret("https://p.test/a?user=%username%&password=%password%")
    assert not _literal_secret("https://p.test/a?u=%account[cloud_username]%&p=%account[cloud_password]%")
    assert _literal_secret("https://p.test/a?user=al&password=s3cret")
    assert _literal_secret("https://al:s3cret@p.test/a")
    assert not _literal_secret("https://p.test/a?x=1&y=2")
