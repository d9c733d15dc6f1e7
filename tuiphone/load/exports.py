"""A load run for CI and tickets: ``--junit`` (a test case per check and per call) and
``--jsonl`` (a voip_patrol-style line per call)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tuiphone.commands.calls import jsonl
from tuiphone.commands.calls.assertions import MOS_METHOD
from tuiphone.commands.calls.junit import Case, write_suite
from tuiphone.load.plan import LoadPlan
from tuiphone.load.report import Check, call_json
from tuiphone.load.wire import CallRecord, Outcome


def write_junit(path: str, plan: LoadPlan, records: Sequence[CallRecord],
                results: Sequence[Check], doc: dict[str, Any]) -> None:
    """The checks first (--min-asr, --min-mos), then each call: a call that was not
    answered is a failure naming its cause; one the run cancelled is skipped."""
    cases = [Case(c.name, "tuiphone.load.check", None if c.ok else c.message,
                  {"wanted": c.wanted, "got": c.got}) for c in results]
    for r in sorted(records, key=lambda r: r.n):
        name = f"call {r.n} to {plan.uri}"
        failed = r.outcome not in (Outcome.ANSWERED, Outcome.CANCELLED)
        cases.append(Case(name, "tuiphone.load.call", r.cause if failed else None,
                          call_json(r), r.duration_s,
                          "cancelled by the run" if r.outcome is Outcome.CANCELLED else None))
    summary = {k: str(doc[k]) for k in ("attempts", "answered", "asr_pct", "acd_s")}
    write_suite(path, cases, name=f"tuiphone load {plan.uri}",
                properties={**summary, "mos_method": MOS_METHOD})


def write_jsonl(path: str, plan: LoadPlan, records: Sequence[CallRecord]) -> None:
    jsonl.append(path, [_action(plan, r) for r in sorted(records, key=lambda r: r.n)])


def _action(plan: LoadPlan, r: CallRecord) -> jsonl.Action:
    fields = {
        "from": r.account, "to": plan.uri, "expected_cause_code": 200,
        "cause_code": r.code, "reason": r.reason, "callid": r.sip_call_id,
        "duration": r.duration_s, "pdd_ms": r.pdd_ms, "setup_ms": r.setup_ms,
        "codec": r.codec, "worker": r.worker,
        "rtp_stats": {"rtt": r.rtt_ms,
                      "Rx": {"pkt": r.rx_packets, "loss": r.rx_lost,
                             "jitter_avg": r.rx_jitter_ms, "mos_lq": r.mos},
                      "Tx": {"pkt": r.tx_packets}},
        "mos_method": MOS_METHOD,
    }
    passed = r.outcome is Outcome.ANSWERED
    ended = r.started + r.duration_s + (r.setup_ms or 0) / 1000 if r.started else 0.0
    return jsonl.Action("call", f"load call {r.n}", r.started, ended, passed, fields,
                        [] if passed else [r.cause])
