"""record and audio devices through the command table, over the control socket."""

from __future__ import annotations

import pytest

from tuiphone.commands.runner import run_line
from tuiphone.config.appstate import load_audio_choices
from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound, UsageError


async def test_record_start_and_stop_over_the_socket(remote, tmp_path, monkeypatch):
    call = await remote.call("echo")
    await remote.wait_state(lambda s: any(c.id == call.id and c.state is CallState.CONNECTED
                                          for c in s.calls), 5)
    monkeypatch.chdir(tmp_path)
    started = await run_line(remote, f"record start {call.id} --out rec.wav --stereo")
    assert started == {"call": call.id, "recording": str(tmp_path / "rec.wav"),
                       "channels": "left: far end, right: us"}  # absolute for the engine
    await remote.wait_state(lambda s: [c.recording for c in s.calls]
                            == [str(tmp_path / "rec.wav")], 5)  # the call row's indicator
    with pytest.raises(UsageError, match="already being recorded"):
        await run_line(remote, "record start --out other.wav")
    assert await run_line(remote, "record stop") == {"call": call.id,
                                                     "stopped": str(tmp_path / "rec.wav")}
    with pytest.raises(UsageError, match="not being recorded"):
        await run_line(remote, f"record stop {call.id}")
    with pytest.raises(UsageError, match="record_dir"):  # no --out and no [audio] record_dir
        await run_line(remote, "record start")
    with pytest.raises(UsageError, match="--out and --stereo"):
        await run_line(remote, "record stop --stereo")


async def test_record_without_a_call_is_not_found(remote):
    with pytest.raises(NotFound):
        await run_line(remote, "record start --out x.wav")


async def test_audio_devices_over_the_socket(remote):
    rows = await run_line(remote, "audio devices")
    assert rows[0] == {"index": 0, "name": "default", "api": "ALSA", "in": 32, "out": 32,
                       "default": "input/output"}
    assert rows[1]["name"] == "Headset"


async def test_audio_use_picks_a_device_by_part_of_its_name(remote, engine):
    assert await run_line(remote, "audio use output head") == {"output": "Headset",
                                                                "kept": True}
    assert engine.backend.chosen_devices == {"output": "head"}
    assert load_audio_choices() == {"output": "Headset"}  # by its full name
    assert await run_line(remote, "audio use input default") == {"input": "default",
                                                                 "kept": True}
    assert await run_line(remote, "audio use ring 1 --once") == {"ring": "Headset",
                                                                 "kept": False}
    assert load_audio_choices() == {"output": "Headset", "input": ""}
    with pytest.raises(NotFound, match="no output devices match 'hdmi'; output devices: "
                                       "0: default, 1: Headset"):
        await run_line(remote, "audio use output hdmi")
    assert load_audio_choices() == {"output": "Headset", "input": ""}  # nothing kept
    with pytest.raises(UsageError, match="ROLE or DEVICE"):
        await run_line(remote, "audio devices --once")
    with pytest.raises(UsageError, match="ROLE"):
        await run_line(remote, "audio use")
