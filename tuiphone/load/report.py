"""The outcome of a load run: the checks (``--min-asr``, ``--min-mos``), one JSON
document, and the table people read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tuiphone.commands.calls.assertions import MOS_METHOD
from tuiphone.load.plan import LoadPlan
from tuiphone.load.summary import Summary
from tuiphone.load.wire import AccountUse, CallRecord
from tuiphone.model.codec import to_jsonable


@dataclass(frozen=True, slots=True)
class Check:
    name: str  # "min_asr" | "min_mos"
    wanted: float
    got: float | None
    ok: bool

    @property
    def message(self) -> str:
        what = {"min_asr": "ASR", "min_mos": "mean MOS"}[self.name]
        got = "none" if self.got is None else f"{self.got:g}"
        return f"{what} {got} is below --{self.name.replace('_', '-')} {self.wanted:g}"


@dataclass(frozen=True, slots=True)
class Run:
    """How the run went, beside the call figures."""

    elapsed_s: float
    interrupted: bool
    accounts: tuple[AccountUse, ...]
    cpu_s: float  # the parent's and the workers' CPU time


def checks(plan: LoadPlan, summary: Summary) -> list[Check]:
    """The checks asked for. The MOS one is on the mean MOS of the answered calls."""
    out = []
    if plan.min_asr is not None:
        asr = summary.asr_pct
        out.append(Check("min_asr", plan.min_asr, asr, asr is not None and asr >= plan.min_asr))
    if plan.min_mos is not None:
        mos = summary.mos.mean
        out.append(Check("min_mos", plan.min_mos, mos, mos is not None and mos >= plan.min_mos))
    return out


def achieved_rate(records: Sequence[CallRecord]) -> float | None:
    """Calls started per second, from the first start to the last."""
    starts = sorted(r.started for r in records if r.started)
    if len(starts) < 2 or starts[-1] <= starts[0]:
        return None
    return round((len(starts) - 1) / (starts[-1] - starts[0]), 2)


def document(plan: LoadPlan, summary: Summary, records: Sequence[CallRecord], run: Run,
             results: Sequence[Check]) -> dict[str, Any]:
    attempts = summary.attempts
    return {
        "uri": plan.uri,
        "plan": {"calls": plan.calls, "rate": plan.rate, "concurrent": plan.concurrent,
                 "duration_s": plan.duration_s, "timeout_s": plan.timeout_s,
                 "workers": plan.workers, "play": plan.play,
                 "accounts": to_jsonable(run.accounts)},
        "interrupted": run.interrupted,
        "elapsed_s": round(run.elapsed_s, 2),
        "rate_achieved": achieved_rate(records),
        "cpu": {"total_s": round(run.cpu_s, 3),
                "per_call_ms": round(1000 * run.cpu_s / attempts, 2) if attempts else None},
        **to_jsonable(summary),
        "checks": [{**to_jsonable(c), "message": c.message} for c in results],
        "mos_method": MOS_METHOD,
        "calls": [call_json(r) for r in sorted(records, key=lambda r: r.n)],
    }


def call_json(record: CallRecord) -> dict[str, Any]:
    return {**to_jsonable(record), "loss_pct": record.loss_pct, "cause": record.cause}


def text(doc: dict[str, Any]) -> str:
    """The summary table (every figure of the document except the per-call rows)."""
    plan = doc["plan"]
    accounts = ", ".join(f"{a['id']} ({a['mode']})" for a in plan["accounts"])
    lines = [
        f"tuiphone load {doc['uri']}: {plan['calls']} calls at {plan['rate']:g}/s, at most "
        f"{plan['concurrent']} at once ({plan['workers']} workers), {plan['duration_s']:g} s "
        f"each, from {accounts}" + ("; interrupted" if doc["interrupted"] else ""),
        _row("calls", f"attempts {doc['attempts']}  answered {doc['answered']}  failed "
                      f"{sum(doc['failed'].values())}  cancelled {doc['cancelled']}"),
        _row("ASR", f"{_num(doc['asr_pct'])} %  ACD {_num(doc['acd_s'])} s"),
    ]
    lines += [_row("failed", f"{n}  {cause}") for cause, n in doc["failed"].items()]
    for key, label in (("pdd_ms", "PDD ms"), ("setup_ms", "setup ms"), ("mos", "MOS"),
                       ("rx_loss_pct", "RX loss %"), ("jitter_ms", "jitter ms")):
        lines.append(_row(label, _spread(doc[key])))
    bands = "  ".join(f"{band}: {n}" for band, n in doc["mos_bands"].items() if n)
    lines.append(_row("MOS bands", bands or "-"))
    lines.append(_row("MOS from", doc["mos_method"]))
    cpu = doc["cpu"]
    lines.append(_row("run", f"{doc['elapsed_s']:g} s, {_num(doc['rate_achieved'])} calls/s "
                             f"started, CPU {cpu['total_s']:g} s "
                             f"({_num(cpu['per_call_ms'])} ms a call)"))
    return "\n".join(lines) + "\n"


def _row(label: str, value: str) -> str:
    return f"  {label:<10} {value}"


def _spread(s: dict[str, Any]) -> str:
    if not s["n"]:
        return "-"
    names = ("p50", "p95", "min", "max", "mean")
    return "  ".join(f"{k} {_num(s[k])}" for k in names) + f"  ({s['n']} calls)"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"

