"""Sound devices as the engine's machine sees them (audio mode "device")."""

from __future__ import annotations

from dataclasses import dataclass

DEVICE_ROLES = ("input", "output", "ring")


@dataclass(frozen=True, slots=True)
class AudioDevice:
    """One PortAudio device. ``index`` is PortAudio's number, valid until the list is
    read again; ``name`` is what ``[audio] input``/``output``/``ring`` match."""

    index: int
    name: str
    hostapi: str
    inputs: int  # capture channels (0: not a microphone)
    outputs: int  # playback channels (0: not a speaker)
    default_input: bool = False
    default_output: bool = False


@dataclass(frozen=True, slots=True)
class Recording:
    """A call being recorded: the WAV file and whether it is two-channel (left: the
    far end, right: us)."""

    call_id: str
    path: str
    stereo: bool = False
