"""PortAudio's device list through ``sounddevice``, and [audio] input/output/ring
matched against it. No pjsua2 here; the engine calls these on its sound thread only
(sound_worker.py): ``refresh`` must not run while one of our streams is open (it
restarts PortAudio).
"""

from __future__ import annotations

import contextlib
import importlib
import os
from types import ModuleType
from typing import Any

from tuiphone.model.audio import AudioDevice, choose
from tuiphone.model.errors import UsageError
from tuiphone.sip import c_stderr

__all__ = ["choose", "devices", "load_sounddevice", "no_device_hint", "refresh"]

SSH_HINT = ("no sound device here; over SSH, run PulseAudio or PipeWire on your laptop "
            "and set PULSE_SERVER (README: Audio over SSH)")


def load_sounddevice() -> ModuleType:
    """Import sounddevice or raise UsageError naming the extra to install. From here
    on, C libraries' stderr goes to our log (c_stderr.py): PortAudio and ALSA print
    there, and in the TUI that would land on the screen."""
    c_stderr.install()
    try:
        return importlib.import_module("sounddevice")
    except (ImportError, OSError) as err:  # OSError: libportaudio2 missing
        raise UsageError(
            "audio mode 'device' needs the audio extra: pip install 'tuiphone[audio]' "
            f"(and libportaudio2): {err}"
        ) from None


def refresh(sd: ModuleType) -> None:
    """Read the device list again: PortAudio reads it once, at start, and after a
    device vanished it fails every open ("Error querying device -1") until restarted."""
    terminate, initialize = getattr(sd, "_terminate", None), getattr(sd, "_initialize", None)
    if terminate is None or initialize is None:  # not the real module (tests)
        return
    with contextlib.suppress(Exception):
        terminate()
    try:
        initialize()
    except Exception as err:  # PortAudioError
        raise UsageError(f"cannot start PortAudio again: {err}") from None


def devices(sd: ModuleType) -> list[AudioDevice]:
    """Every device PortAudio lists, with the defaults marked."""
    try:
        raw: Any = sd.query_devices()
        apis = [a["name"] for a in sd.query_hostapis()]
        default_in, default_out = _defaults(sd)
    except Exception as err:  # PortAudioError
        raise UsageError(f"cannot list sound devices: {err}") from None
    return [
        AudioDevice(i, str(d["name"]), apis[d["hostapi"]] if d["hostapi"] < len(apis) else "",
                    int(d["max_input_channels"]), int(d["max_output_channels"]),
                    i == default_in, i == default_out)
        for i, d in enumerate(raw)
    ]


def _defaults(sd: ModuleType) -> tuple[int, int]:
    """PortAudio's default input and output (-1 when there is none)."""
    pair = []
    for kind in ("input", "output"):
        try:
            pair.append(int(sd.query_devices(kind=kind)["index"]))
        except Exception:  # no default device of that kind
            pair.append(-1)
    return pair[0], pair[1]


def no_device_hint() -> str:
    """Said when no device opens: with no local sound the way is a sound server."""
    return SSH_HINT if not os.environ.get("PULSE_SERVER") else (
        f"PULSE_SERVER={os.environ['PULSE_SERVER']} did not give a device")
