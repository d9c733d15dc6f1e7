"""What each command's outcome means to a monitoring system: its state, its one line
of text, its metrics (the names ``--warning``/``--critical`` take) and long text."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tuiphone.commands.calls.assertions import loss_pct
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.plugin.status import Metric, State, Verdict
from tuiphone.model.errors import NetworkError, SipError, Timeout

REGISTER_TIMEOUT_S = 10.0  # register has no --timeout of its own by default


@dataclass(frozen=True, slots=True)
class Profile:
    metrics: dict[str, bool]  # name -> low values are bad
    verdict: Callable[[Any, BaseException | None, argparse.Namespace], Verdict]
    limit_s: Callable[[argparse.Namespace], float]  # the handler's whole run, at most


def error_state(err: BaseException) -> State:
    """CRITICAL when the check was made and the service failed it (no answer, refused,
    unreachable, an assertion not met); UNKNOWN when it could not be made (options,
    config, no engine, a local store or backend error)."""
    if isinstance(err, SipError | Timeout | NetworkError | ExpectationFailed):
        return State.CRITICAL
    return State.UNKNOWN


def _register(result: Any, err: BaseException | None, args: argparse.Namespace) -> Verdict:
    if err is not None or not isinstance(result, dict):
        return Verdict(error_state(err) if err else State.UNKNOWN, f"REGISTER: {err}")
    text = (f"{result['account']} registered ({result['status_code']} {result['reason']}, "
            f"expires {result['expires']} s) in {result['time_ms']:g} ms")
    return Verdict(State.OK, text, [Metric("time", result["time_ms"], "ms", minimum=0)])


def _ping(result: Any, err: BaseException | None, args: argparse.Namespace) -> Verdict:
    if not isinstance(result, dict):
        return Verdict(error_state(err) if err else State.UNKNOWN, f"OPTIONS: {err}")
    sent, got = result["sent"], result["received"]
    metrics = [Metric("loss", round(100.0 * (sent - got) / sent, 1), "%", minimum=0,
                      maximum=100)]
    if "rtt_avg_ms" in result:
        metrics.insert(0, Metric("rtt", result["rtt_avg_ms"], "ms", minimum=0))
    text = f"OPTIONS {result['uri']}: {got}/{sent} answered"
    if "rtt_avg_ms" in result:
        text += f", RTT {result['rtt_avg_ms']:g} ms"
    if err is not None:
        return Verdict(error_state(err), f"{text}: {err}", metrics)
    return Verdict(State.OK, text, metrics)


def _call(result: Any, err: BaseException | None, args: argparse.Namespace) -> Verdict:
    if not isinstance(result, dict):
        return Verdict(error_state(err) if err else State.UNKNOWN, f"call {args.uri}: {err}")
    metrics = []
    if result.get("setup_ms") is not None:
        metrics.append(Metric("setup", result["setup_ms"], "ms", minimum=0))
    if result.get("mos") is not None:
        metrics.append(Metric("mos", result["mos"], low_is_bad=True, minimum=1, maximum=4.5))
    loss = loss_pct(result)
    if loss is not None:
        metrics += [Metric("loss", loss, "%", minimum=0, maximum=100),
                    Metric("jitter", result["rx"]["jitter_ms"], "ms", minimum=0),
                    Metric("rtt", result["rtt_ms"], "ms", minimum=0)]
    text = f"call {result['uri']}: {result['result']} ({result['status_code']} " \
           f"{result['reason']})"
    if result.get("codec"):
        text += f", {result['codec']}"
    if err is not None:
        return Verdict(error_state(err), f"{text}: {err}", metrics)
    return Verdict(State.OK, text, metrics)


def _doctor(result: Any, err: BaseException | None, args: argparse.Namespace) -> Verdict:
    if not isinstance(result, list):
        return Verdict(error_state(err) if err else State.UNKNOWN, f"doctor: {err}")
    bad = [r for r in result if r["status"] != "ok"]
    details = [f"{r['status'].upper()} {r['check']}: {r['detail']}" for r in bad]
    warned = sum(1 for r in bad if r["status"] == "warn")
    metrics = [Metric("failed", len(bad) - warned, minimum=0),
               Metric("warnings", warned, minimum=0)]
    if err is not None:
        return Verdict(error_state(err), str(err), metrics, details)
    if warned:
        names = ", ".join(r["check"] for r in bad)
        return Verdict(State.WARNING, f"doctor: {warned} warning(s): {names}", metrics,
                       details)
    return Verdict(State.OK, f"doctor: {len(result)} checks ok", metrics, details)


def _call_limit(args: argparse.Namespace) -> float:
    stay = max(float(args.duration or 0), 4.0) + 1.0 * str(args.dtmf or "").count(",")
    return float(args.timeout) + stay + 15.0


PROFILES: dict[str, Profile] = {
    "register": Profile({"time": False}, _register,
                        lambda a: float(a.timeout or REGISTER_TIMEOUT_S) + 2.0),
    "ping": Profile({"rtt": False, "loss": False}, _ping,
                    lambda a: a.count * (a.timeout + a.interval) + 2.0),
    "call": Profile({"setup": False, "mos": True, "loss": False, "jitter": False,
                     "rtt": False}, _call, _call_limit),
    "doctor": Profile({"failed": False, "warnings": False}, _doctor,
                      lambda a: 3.0 * float(a.timeout or 5.0) + 20.0),
}
