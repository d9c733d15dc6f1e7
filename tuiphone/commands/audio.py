"""record (start or stop recording a call) and audio devices (the sound devices).

``audio use`` keeps its choice in state.toml (as ``location set`` does), over
[audio] input/output/ring of config.toml, unless ``--once``: a device picked from a
menu or a prompt is the one wanted next time too; a one-off switch says so."""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

from tuiphone.config.appstate import save_audio_choice
from tuiphone.engine.api import PhoneApi
from tuiphone.model.call import CallState
from tuiphone.model.errors import UsageError


async def record(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    if args.action == "stop":
        if args.out or args.stereo:
            raise UsageError("record stop: --out and --stereo belong to record start")
        done = await phone.stop_recording(args.call)
        return {"call": done.call_id, "stopped": done.path}
    _not_recorded_yet(phone, args.call)
    out = _absolute(args.out) if args.out else None
    rec = await phone.record(args.call, out, args.stereo)
    return {"call": rec.call_id, "recording": rec.path,
            "channels": "left: far end, right: us" if rec.stereo else "mixed"}


def _not_recorded_yet(phone: PhoneApi, wanted: str | None) -> None:
    """One recording at a time from this command (the engine allows more: a test's
    tone check beside [audio] record_calls). Raises UsageError."""
    calls = [c for c in phone.state().calls
             if c.id == wanted or (wanted is None and c.state is CallState.CONNECTED)]
    if len(calls) == 1 and calls[0].recording:
        raise UsageError(f"call {calls[0].id} is already being recorded to "
                         f"{calls[0].recording}")


def _absolute(path: str) -> str:
    """An attached engine runs in another directory: it gets an absolute path."""
    return os.path.abspath(os.path.expanduser(path))


async def audio(phone: PhoneApi, args: argparse.Namespace) -> Any:
    if args.action == "use":
        if not args.role or not args.device:
            raise UsageError("audio use: give a ROLE (input, output, ring) and a DEVICE")
        wanted = None if args.device == "default" else args.device
        name = await phone.set_audio_device(args.role, wanted)  # NotFound: nothing kept
        if not args.once:
            # by its full name: an index changes when devices come and go
            await asyncio.to_thread(save_audio_choice, args.role,
                                    None if wanted is None else name)
        return {args.role: name, "kept": not args.once}
    if args.role or args.device or args.once:
        raise UsageError("audio devices takes no ROLE or DEVICE (nor --once)")
    found = await phone.audio_devices()
    if not found:
        raise UsageError("no sound devices; over SSH, set PULSE_SERVER to your laptop's "
                         "sound server (README: Audio over SSH)")
    return [{"index": d.index, "name": d.name, "api": d.hostapi,
             "in": d.inputs, "out": d.outputs,
             "default": "/".join(k for k, on in (("input", d.default_input),
                                                  ("output", d.default_output)) if on)}
            for d in found]
