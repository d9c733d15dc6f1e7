"""Which provisioned switches wait for consent, and what does not."""

from __future__ import annotations

import dataclasses

from tuiphone.model.account import Features
from tuiphone.provision.privacy import WORDS, gated, split_pending

NOT_PERSONAL = {"mwi"}  # the voicemail lamp: a SUBSCRIBE for your own mailbox


def test_every_feature_switch_is_classified():
    """A new ``features.*`` switch must be named here or in WORDS (with its plain words):
    otherwise a provider could turn it on unseen."""
    names = {f.name for f in dataclasses.fields(Features)}
    assert names - NOT_PERSONAL <= set(WORDS)
    assert set(gated()) == names & set(WORDS)


def test_turning_on_waits_turning_off_and_the_rest_apply():
    new = {"id": "w", "register_expires": 60,
           "features": {"blf": True, "presence": False, "mwi": True}}
    table, pending = split_pending(new, {"features": {"presence": True}})
    assert pending == {"features.blf": True}
    assert table["features"] == {"blf": False, "presence": False, "mwi": True}
    assert table["register_expires"] == 60


def test_already_accepted_stays_on_and_rejected_is_not_asked_again():
    new = {"id": "w", "features": {"blf": True, "presence": True}}
    table, pending = split_pending(new, {"features": {"blf": True}},
                                   rejected=["features.presence"])
    assert pending == {}
    assert table["features"] == {"blf": True, "presence": False}
