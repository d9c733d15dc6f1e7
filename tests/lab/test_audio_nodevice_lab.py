"""Device mode on a machine with no sound at all (no /dev/snd, no sound server): the
call still connects, and the notice names the way out, PULSE_SERVER (README: Audio
over SSH). Real PortAudio and ALSA, nothing faked."""

from __future__ import annotations

import pytest
import sounddevice  # noqa: F401 - the lab needs it (test extra): missing, fail, don't skip

from tests.lab.engine_harness import Watch, lab_account
from tuiphone.model.account import RegState
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.call import CallState
from tuiphone.model.events import Notice

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def test_no_sound_device_points_at_pulse_server(kamailio, baresip, phone_factory,
                                                      tmp_path, monkeypatch):
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    monkeypatch.delenv("ALSA_CONFIG_PATH", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # no sound server's socket here
    settings = MediaSettings(mode="device")
    phone = await phone_factory(lab_account(kamailio, "alice"),
                                backend=BackendSettings(media=settings))
    assert (await Watch(phone).settled(phone, "alice")).reg_state is RegState.REGISTERED
    watch = Watch(phone)
    call = await phone.call("carol")
    await watch.call_state(call.id, CallState.CONNECTED)
    notice = await watch.wait(lambda e: isinstance(e, Notice) and "sound device" in e.text)
    print(notice.text)
    assert "PULSE_SERVER" in notice.text
    assert "Audio over SSH" in notice.text
    assert phone.state().calls[0].state is CallState.CONNECTED
    await phone.hangup(call.id)
