"""``--jsonl FILE``: one JSON object per action, appended to FILE as each action ends.

The shape is voip_patrol's result file, so tools reading those read ours: each line is
``{"N": {...}}`` with N the action's number in the run, and inside ``label``,
``start``/``end`` ("DD-MM-YYYY HH:MM:SS", local time), ``action``, ``from``, ``to``,
``result`` ("PASS"/"FAIL"), ``expected_cause_code``, ``cause_code``, ``reason``,
``callid``, ``duration`` (s), ``rtp_stats`` (``rtt``, ``Rx``/``Tx`` with ``pkt``,
``loss``, ``jitter_avg``, ``mos_lq``) for calls. We add ``failures`` (each failed check
in words), ``mos_method`` (how ``mos_lq`` was estimated) and ``error``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from tuiphone.commands.calls.assertions import MOS_METHOD
from tuiphone.model.errors import UsageError


@dataclass(slots=True)
class Action:
    """One line of the file. ``passed`` decides ``result``."""

    action: str  # "call", "register", or a script line's command name
    label: str
    started: float  # epoch seconds
    ended: float
    passed: bool
    fields: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def as_json(self, n: int) -> dict[str, Any]:
        body = {"label": self.label, "start": stamp(self.started), "end": stamp(self.ended),
                "action": self.action, "result": "PASS" if self.passed else "FAIL",
                **self.fields}
        if self.failures:
            body["failures"] = self.failures
        return {str(n): body}


def stamp(epoch: float) -> str:
    return time.strftime("%d-%m-%Y %H:%M:%S", time.localtime(epoch)) if epoch else ""


def append(path: str, actions: list[Action], first: int = 1) -> None:
    """Append one line per action, numbered from ``first``. Raises UsageError on I/O."""
    lines = "".join(json.dumps(a.as_json(n), ensure_ascii=False) + "\n"
                    for n, a in enumerate(actions, first))
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(lines)
    except OSError as err:
        raise UsageError(f"--jsonl {path}: {err.strerror}") from err


def call_fields(rep: dict[str, Any], expected_code: int) -> dict[str, Any]:
    """The voip_patrol fields of a ``call`` report."""
    rx, tx = rep["rx"], rep["tx"]
    return {
        "from": rep["account"], "to": rep["uri"],
        "expected_cause_code": expected_code, "cause_code": rep["status_code"] or 0,
        "reason": rep["reason"], "callid": rep.get("sip_call_id") or rep["call_id"],
        "duration": rep["duration_s"], "setup_ms": rep["setup_ms"], "codec": rep["codec"],
        "rtp_stats": {
            "rtt": rep["rtt_ms"],
            "Rx": {"pkt": rx["packets"], "loss": rx["lost"], "jitter_avg": rx["jitter_ms"],
                   "mos_lq": rep["mos"]},
            "Tx": {"pkt": tx["packets"]},
        },
        "mos_method": MOS_METHOD,
    }
