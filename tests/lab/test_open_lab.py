"""``tuiphone open sip:…``, as a desktop runs it: a real daemon dials, the call reaches
baresip through Kamailio and is answered there."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab.daemon_proc import account_config, start_daemon, stop, tuiphone
from tests.lab.fixtures import baresip_factory, kamailio, kamailio_factory  # noqa: F401

pytestmark = [pytest.mark.lab]


def test_open_sip_link_dials_through_the_daemon(kamailio, baresip_factory, tmp_path):  # noqa: F811
    baresip_factory(kamailio.port, "carol")
    config = account_config(tmp_path / "config.toml", kamailio)
    daemon = start_daemon(config)
    try:
        link = kamailio.aor("carol").replace("@", "%40")  # as a browser may pass it
        opened = tuiphone(config, "open", link, "--json")
        assert opened.code == 0, opened.err
        call = opened.json()
        assert call["remote_uri"] == kamailio.aor("carol")
        connected = tuiphone(config, "wait", "call", "connected", "--timeout", "15", "--json")
        assert connected.code == 0, connected.err
        assert connected.json()["match"]["id"] == call["id"]
        assert tuiphone(config, "hangup", call["id"]).code == 0
    finally:
        stop(daemon)
    assert kamailio.count_requests("INVITE", from_user="alice") >= 1
