"""The media assertions of ``call``: each asked-for check, met or not, named in the report.

``--expect-media`` reads the direction of the audio from the RTP counters and from the
engine's one-way-audio check (a ``MediaProblem``): RTP sent but none received within
3 s counts as ``outbound`` even if some arrived later.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

DIRECTIONS = ("two-way", "inbound", "outbound", "none")
DEFAULT_TONE_TOLERANCE_HZ = 20.0
# How the reports' MOS is computed (see tuiphone.engine.mos): said in every report.
MOS_METHOD_SHORT = "E-model G.107 (loss, jitter, RTT, codec)"  # a CSV column's value
MOS_METHOD = ("E-model (ITU-T G.107, simplified): R from RX packet loss, jitter, RTT/2 "
              "plus jitter-buffer delay, and the codec's Ie/Bpl; MOS-CQE from R")


@dataclass(frozen=True, slots=True)
class Assertion:
    """One check asked for on the command line. ``name`` is the option's name with
    underscores (``expect_tone``), the key a script or a JUnit reader looks for."""

    name: str
    wanted: str
    got: str
    ok: bool
    says: str = ""  # the failure in words, when "wanted X, got Y" says it badly

    @property
    def message(self) -> str:
        return f"{self.name}: {self.says or f'wanted {self.wanted}, got {self.got}'}"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "wanted": self.wanted, "got": self.got, "ok": self.ok,
                "message": self.message}


def direction(rep: dict[str, Any]) -> str:
    """two-way, inbound, outbound or none, from a call report's counters and problem."""
    rx, tx = rep["rx"]["packets"], rep["tx"]["packets"]
    if rep.get("media_problem"):
        return "outbound"
    if rx and tx:
        return "two-way"
    return "inbound" if rx else "outbound" if tx else "none"


def evaluate(args: argparse.Namespace, rep: dict[str, Any]) -> list[Assertion]:
    """Every assertion ``args`` asks for, judged on an answered call's report."""
    return list(_each(args, rep))


def _each(args: argparse.Namespace, rep: dict[str, Any]) -> Iterator[Assertion]:
    mos = rep["mos"]
    if getattr(args, "min_mos", None) is not None:
        yield Assertion("min_mos", f"MOS >= {args.min_mos:g}", _num(mos),
                        mos is not None and mos >= args.min_mos,
                        f"MOS {_num(mos)} is below --min-mos {args.min_mos:g}")
    wanted_dtmf = getattr(args, "expect_dtmf", None)
    if wanted_dtmf:
        got = repr(str(rep["dtmf_received"])) if rep["dtmf_received"] else "nothing"
        yield Assertion("expect_dtmf", repr(wanted_dtmf), got,
                        wanted_dtmf.upper() in str(rep["dtmf_received"]).upper(),
                        f"expected DTMF {wanted_dtmf!r}, received {got}")
    media = getattr(args, "expect_media", None)
    if media:
        seen = direction(rep)
        problem = rep.get("media_problem")
        got = f"{seen} ({problem['cause']})" if problem else seen
        yield Assertion("expect_media", media, got, seen == media)
    yield from _stream_checks(args, rep)


def _stream_checks(args: argparse.Namespace, rep: dict[str, Any]) -> Iterator[Assertion]:
    codec = getattr(args, "expect_codec", None)
    if codec:
        got = str(rep["codec"] or "")
        yield Assertion("expect_codec", codec, got or "no audio stream",
                        got.split("/", 1)[0].lower() == codec.split("/", 1)[0].lower())
    max_loss = getattr(args, "max_loss", None)
    if max_loss is not None:
        loss = loss_pct(rep)
        yield Assertion("max_loss", f"loss <= {max_loss:g} %",
                        "no RTP" if loss is None else f"{loss:g} %",
                        loss is not None and loss <= max_loss)
    max_jitter = getattr(args, "max_jitter", None)
    if max_jitter is not None:
        jitter = rep["rx"]["jitter_ms"]
        received = rep["rx"]["packets"] > 0
        yield Assertion("max_jitter", f"jitter <= {max_jitter:g} ms",
                        f"{jitter:g} ms" if received else "no RTP",
                        received and jitter <= max_jitter)
    tone = getattr(args, "expect_tone", None)
    if tone is not None:
        yield _tone(tone, rep.get("tone"))


def _tone(wanted: tuple[float, float], reading: dict[str, Any] | None) -> Assertion:
    freq, tolerance = wanted
    spec = f"{freq:g} Hz +/- {tolerance:g}"
    if reading is None:
        return Assertion("expect_tone", spec, "no recording", False)
    if reading.get("error"):
        return Assertion("expect_tone", spec, str(reading["error"]), False)
    heard = reading["freq_hz"]
    if heard is None:
        return Assertion("expect_tone", spec, f"silence ({reading['level_dbfs']:g} dBFS)",
                         False)
    return Assertion("expect_tone", spec, f"{heard:g} Hz", abs(heard - freq) <= tolerance)


def loss_pct(rep: dict[str, Any]) -> float | None:
    """RX packets lost over packets expected, in percent; None before any RTP."""
    rx = rep["rx"]
    expected = rx["packets"] + rx["lost"]
    return round(100.0 * rx["lost"] / expected, 2) if expected else None


def _num(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"
