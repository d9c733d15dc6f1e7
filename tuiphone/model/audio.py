"""Sound devices as the engine's machine sees them (audio mode "device")."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.model.errors import NotFound

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


def choose(found: list[AudioDevice], wanted: str | int | None, kind: str) -> int | None:
    """The index of the device ``wanted`` names for ``kind`` ("input" or "output"), or
    None for PortAudio's default. A name matches exactly (any case) or, failing that,
    as the one device whose name contains it. Raises NotFound listing the devices."""
    if wanted is None or wanted == "":
        return None
    usable = [d for d in found if (d.inputs if kind == "input" else d.outputs) > 0]
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.isdigit()):
        index = int(wanted)
        hits = [d for d in usable if d.index == index]
    else:
        text = wanted.casefold()
        hits = [d for d in usable if d.name.casefold() == text] or [
            d for d in usable if text in d.name.casefold()]
    if len(hits) == 1:
        return hits[0].index
    names = ", ".join(f"{d.index}: {d.name}" for d in usable) or "none"
    how = "several" if hits else "no"
    raise NotFound(f"{how} {kind} devices match {wanted!r}; {kind} devices: {names}")
