"""The report of a test call and the checks ``--expect`` and the media assertions
(``--min-mos``, ``--expect-media`` ..., see ``assertions``) make on it."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.commands.calls import assertions
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
        "uri": uri, "call_id": call.id, "sip_call_id": call.sip_call_id,
        "account": call.account_id, "result": result,
        "status_code": call.code, "reason": call.reason,
        "setup_ms": None if setup_ms is None else round(setup_ms, 1),
        "duration_s": round(duration, 2),
        "codec": s.codec, "srtp": s.srtp,
        "rx": {"packets": s.rx_packets, "lost": s.rx_lost, "jitter_ms": s.rx_jitter_ms},
        "tx": {"packets": s.tx_packets},
        "rtt_ms": s.rtt_ms, "mos": s.mos, "mos_method": assertions.MOS_METHOD,
        "dtmf_received": dtmf,
        "media": {"local": s.local_rtp, "remote": s.remote_rtp, "source": s.rtp_source},
        "media_problem": None, "assertions": [],
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
    results = assertions.evaluate(args, rep)
    rep["assertions"] = [a.as_json() for a in results]
    failed = [a for a in results if not a.ok]
    if failed:
        raise ExpectationFailed("; ".join(a.message for a in failed), rep)


def _check_audio(rep: dict[str, Any]) -> None:
    """Two-way audio: RTP came back and the engine saw no one-way audio."""
    problem = rep.get("media_problem")
    if problem:
        raise ExpectationFailed(f"one-way audio: {problem['cause']}: {problem['hint']}", rep)
    if not rep["rx"]["packets"]:
        raise ExpectationFailed("no audio received (0 RTP packets)", rep)
