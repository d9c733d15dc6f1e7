"""One command, whole flow, against Kamailio: ``call`` waits for the registration of a
private engine; ``wait call incoming --answer`` answers baresip's call, plays, records
and hangs up on its own."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab import tones
from tests.lab.daemon_proc import account_config, start_daemon, stop, tuiphone
from tests.lab.fixtures import baresip_factory, kamailio, kamailio_factory  # noqa: F401
from tests.lab.kamailio import USERS

pytestmark = [pytest.mark.lab]


def _order(kam) -> list[str]:
    """alice's requests as Kamailio logged them, in order: 'REGISTER', 'INVITE', ..."""
    return [line.split("LAB-REQ ", 1)[1].split()[0] for line in kam.log_text().splitlines()
            if "LAB-REQ " in line and "from=sip:alice@" in line]


def test_call_waits_for_registration(kamailio, baresip_factory, tmp_path):  # noqa: F811
    baresip_factory(kamailio.port, "carol")
    config = account_config(tmp_path / "config.toml", kamailio)
    run = tuiphone(config, "call", kamailio.aor("carol"), "--json")
    assert run.code == 0, run.err
    assert run.json()["register_wait_ms"] >= 0
    order = _order(kamailio)
    # REGISTER, its challenged retry, then the INVITE: the 200 came before the INVITE left
    assert order.index("INVITE") > 1
    assert order[:2] == ["REGISTER", "REGISTER"]


def test_a_failed_registration_fails_the_call_before_any_invite(kamailio, tmp_path):  # noqa: F811
    config = account_config(tmp_path / "config.toml", kamailio)
    config.write_text(config.read_text().replace(USERS["alice"], "wrong"))
    run = tuiphone(config, "call", kamailio.aor("carol"), "--timeout", "10")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
    assert "INVITE" not in _order(kamailio)
    # --no-register: the INVITE goes at once (and this trunk refuses it: wrong password)
    run = tuiphone(config, "call", kamailio.aor("carol"), "--timeout", "10", "--no-register")
    assert run.code == 4, run.err
    assert "INVITE" in _order(kamailio)


def test_wait_incoming_answer_plays_records_and_hangs_up(kamailio, baresip_factory,  # noqa: F811
                                                         tmp_path):
    carol = baresip_factory(kamailio.port, "carol", tone_hz=880)
    config = account_config(tmp_path / "config.toml", kamailio)
    daemon = start_daemon(config)
    play = tones.write_tone(tmp_path / "440.wav", 440.0, seconds=10)
    record = tmp_path / "rx.wav"
    try:
        carol.dial(kamailio.aor("alice"))
        run = tuiphone(config, "wait", "call", "incoming", "--answer", "--play", str(play),
                       "--record", str(record), "--duration", "3", "--json")
        assert run.code == 0, run.err
        result = run.json()
        answered = result["answered"]
        assert result["match"]["direction"] == "incoming"
        assert answered["result"] == "answered"
        assert answered["duration_s"] >= 2.5
        assert answered["rx"]["packets"] > 50
        assert tuiphone(config, "calls", "--json").json() == []  # hung up by the bot
    finally:
        stop(daemon)
    samples, rate = tones.read_mono(record)
    assert len(samples) > 2 * rate  # about --duration of it
    # the call both ways: baresip's 880 Hz and our 440 Hz, well above the noise
    noise = tones.tone_level(samples, rate, 1320)
    assert tones.tone_level(samples, rate, 880) > 10 * noise
    assert tones.tone_level(samples, rate, 440) > 10 * noise
    heard, heard_rate = tones.read_mono(carol.wait_for_audio(2.0))
    assert tones.tone_level(heard, heard_rate, 440) > 10 * tones.tone_level(heard, heard_rate,
                                                                              880)
