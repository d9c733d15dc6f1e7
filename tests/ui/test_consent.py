"""The consent dialog: data features a provider turned on are listed in plain words and
take effect only when the user accepts."""

from __future__ import annotations

import tomllib

import tomli_w

from tests.ui.helpers import make_app, running, until
from tuiphone.config.layers import layer_dir
from tuiphone.config.paths import default_config_file
from tuiphone.provision import consent
from tuiphone.ui.screens.consent import ConsentScreen


def pending_layer():
    path = layer_dir(default_config_file()) / "work.toml"
    path.parent.mkdir(parents=True)
    path.write_text(tomli_w.dumps({
        "provisioning": {"source": "https://p.test/x?p=[redacted]", "fetched": "t",
                         "locked": []},
        "account": {"id": "work", "uri": "sip:a@p.test", "features": {"blf": False}},
        "pending": {"features.blf": True}}))
    return path


async def test_accepting_turns_the_feature_on_and_is_recorded():
    layer = pending_layer()
    app, _ = make_app()
    async with running(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsentScreen)
                    and bool(app.screen.query("#choose-accept")))  # composed, not just pushed
        words = " ".join(str(label.render()) for label in app.screen.query(".consent-change"))
        assert "BLF lamps" in words
        assert "learns whom you watch" in words
        await pilot.click("#choose-accept")
        await until(pilot, lambda: bool(consent.records()))
    doc = tomllib.loads(layer.read_text())
    assert "pending" not in doc
    assert doc["account"]["features"]["blf"] is True
    (record,) = consent.records()
    assert record["decision"] == "accepted"
    assert record["source"] == "https://p.test/x?p=[redacted]"


async def test_later_changes_nothing():
    layer = pending_layer()
    before = layer.read_bytes()
    app, _ = make_app()
    async with running(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConsentScreen)
                    and bool(app.screen.query("#choose-accept")))  # composed, not just pushed
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConsentScreen))
    assert layer.read_bytes() == before
    assert consent.records() == []
