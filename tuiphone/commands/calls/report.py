"""The report of a test call and the checks ``--expect``/``--min-mos`` make on it."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.commands.errors import CallRefused, ExpectationFailed
from tuiphone.model.call import CallInfo, CallStats
from tuiphone.model.events import MediaProblem


def report(uri: str, call: CallInfo, setup_ms: float | None, stats: CallStats | None,
           dtmf: str, result: str) -> dict[str, Any]:
    s = stats or CallStats()
    duration = 0.0
    if call.answered is not None:
        duration = max(0.0, (call.ended or call.answered) - call.answered)
    return {
        "uri": uri, "call_id": call.id, "sip_call_id": call.sip_call_id, "result": result,
        "status_code": call.code, "reason": call.reason,
        "setup_ms": None if setup_ms is None else round(setup_ms, 1),
        "duration_s": round(duration, 2),
        "codec": s.codec, "srtp": s.srtp,
        "rx": {"packets": s.rx_packets, "lost": s.rx_lost, "jitter_ms": s.rx_jitter_ms},
        "tx": {"packets": s.tx_packets},
        "rtt_ms": s.rtt_ms, "mos": s.mos, "dtmf_received": dtmf,
        "media": {"local": s.local_rtp, "remote": s.remote_rtp, "source": s.rtp_source},
        "media_problem": None,
    }


def problem(event: MediaProblem) -> dict[str, Any]:
    """The report's view of a MediaProblem: when, counters, cause and hint."""
    return {"after_s": event.seconds, "tx_packets": event.tx_packets,
            "rx_packets": event.rx_packets, "cause": event.cause, "hint": event.hint}


def check(args: argparse.Namespace, rep: dict[str, Any]) -> None:
    """Raise CallRefused (exit 4) or ExpectationFailed (exit 1); return if all is well."""
    expect = args.expect or "answered"
    code = int(rep["status_code"] or 0)
    if rep["result"] != "answered":
        if expect != str(code):
            raise CallRefused(code, str(rep["reason"]), rep)
        return
    if expect == "audio":
        _check_audio(rep)
    elif expect != "answered":
        raise ExpectationFailed(f"expected {expect}, the call was answered", rep)
    mos = rep["mos"]
    if args.min_mos is not None and (mos is None or mos < args.min_mos):
        raise ExpectationFailed(f"MOS {mos} is below --min-mos {args.min_mos:g}", rep)
    wanted = args.expect_dtmf
    if wanted and wanted.upper() not in str(rep["dtmf_received"]).upper():
        got = rep["dtmf_received"] or "nothing"
        raise ExpectationFailed(f"expected DTMF {wanted!r}, received {got!r}", rep)


def _check_audio(rep: dict[str, Any]) -> None:
    """Two-way audio: RTP came back and the engine saw no one-way audio."""
    problem = rep.get("media_problem")
    if problem:
        raise ExpectationFailed(f"one-way audio: {problem['cause']}: {problem['hint']}", rep)
    if not rep["rx"]["packets"]:
        raise ExpectationFailed("no audio received (0 RTP packets)", rep)
