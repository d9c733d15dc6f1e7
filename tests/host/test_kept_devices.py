"""Devices kept by ``audio use`` (state.toml) win over [audio] of config.toml at start."""

from __future__ import annotations

from tuiphone.config.appstate import save_audio_choice
from tuiphone.config.loader import parse_config
from tuiphone.config.paths import state_file
from tuiphone.host.build import engine_setup

CONFIG = '[audio]\nmode = "device"\ninput = "Desk Mic"\noutput = "Speakers"\n'


def test_kept_devices_win_over_the_config() -> None:
    assert engine_setup(parse_config(CONFIG)).backend.media.output == "Speakers"
    save_audio_choice("output", "USB Headset")
    save_audio_choice("ring", None)  # the system default, kept as ""
    media = engine_setup(parse_config(CONFIG)).backend.media
    assert (media.input, media.output, media.ring) == ("Desk Mic", "USB Headset", "")


def test_a_damaged_state_file_leaves_the_config_devices() -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text("[audio\noutput = ")
    assert engine_setup(parse_config(CONFIG)).backend.media.output == "Speakers"
