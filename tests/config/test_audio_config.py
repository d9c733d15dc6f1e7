"""``[audio]``: devices by name or index, the ringtone, record_calls; echo_cancel is gone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tuiphone.config import AppConfig
from tuiphone.model.audio import AudioDevice, choose
from tuiphone.model.errors import NotFound

Problems = Callable[..., list[str]]
Load = Callable[..., AppConfig]


def test_defaults(load_text: Load) -> None:
    audio = load_text("").audio
    assert (audio.input, audio.output, audio.ring, audio.ringtone) == (None, None, None, None)
    assert audio.record_calls == "all"  # with a record_dir: every call, as before


def test_values(load_text: Load) -> None:
    audio = load_text('[audio]\nmode = "device"\ninput = "USB Headset"\noutput = 3\n'
                      'ring = "pulse"\nringtone = "~/ring.wav"\nrecord_calls = "ask"\n').audio
    assert (audio.input, audio.output, audio.ring) == ("USB Headset", "3", "pulse")
    assert audio.ringtone is not None
    assert audio.ringtone.endswith("/ring.wav")
    assert not audio.ringtone.startswith("~")
    assert audio.record_calls == "ask"


def test_bad_values_have_file_line_and_key(problems_of: Problems) -> None:
    assert problems_of('[audio]\ninput = true\n') == [
        "CFG:2: audio.input: expected a device name or index (see `tuiphone audio devices`)"]
    assert problems_of('[audio]\nrecord_calls = "some"\n')[0].startswith(
        "CFG:2: audio.record_calls:")
    (echo,) = problems_of('[audio]\necho_cancel = true\n')
    assert echo.startswith("CFG:2: audio.echo_cancel: removed:")


DEVICES = [AudioDevice(0, "pulse", "ALSA", 32, 32), AudioDevice(1, "default", "ALSA", 32, 32),
           AudioDevice(2, "USB Headset: Audio (hw:1,0)", "ALSA", 1, 2),
           AudioDevice(3, "HDMI 0", "ALSA", 0, 8)]


def test_choose_by_name_part_or_index() -> None:
    assert choose(DEVICES, None, "output") is None
    assert choose(DEVICES, "default", "input") == 1  # an exact name beats a part
    assert choose(DEVICES, "usb headset", "input") == 2
    assert choose(DEVICES, "HDMI", "output") == 3
    assert choose(DEVICES, "2", "output") == 2


def test_choose_refuses_with_the_list() -> None:
    with pytest.raises(NotFound, match=r"no input devices match 'HDMI'; input devices: 0: pulse"):
        choose(DEVICES, "HDMI", "input")  # an output only
    with pytest.raises(NotFound, match="several output devices match 'u'"):
        choose(DEVICES, "u", "output")
    with pytest.raises(NotFound, match="no output devices match '9'"):
        choose(DEVICES, "9", "output")
