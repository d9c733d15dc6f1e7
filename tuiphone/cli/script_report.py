"""``run FILE --junit X --jsonl Y``: each line of a script as a test case and an action.

A line that ran is a case that passed or failed (its error is the failure message);
lines after a failure that stopped the script are cases marked skipped, so the report
always has one case per line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuiphone.commands.calls import jsonl
from tuiphone.commands.calls.assertions import MOS_METHOD
from tuiphone.commands.calls.junit import Case, write_suite


@dataclass(slots=True)
class Step:
    number: int
    line: str
    command: str = ""  # "" when the line did not parse
    started: float = 0.0
    ended: float = 0.0
    code: int = 0
    error: BaseException | None = None
    result: object = None
    skipped: bool = False


@dataclass(slots=True)
class ScriptReport:
    path: str
    steps: list[Step] = field(default_factory=list)

    def ran(self, number: int, line: str, command: str, started: float, code: int,
            error: BaseException | None, result: object) -> None:
        self.steps.append(Step(number, line.strip(), command, started, time.time(), code,
                               error, result))

    def skip(self, number: int, line: str) -> None:
        self.steps.append(Step(number, line.strip(), skipped=True))

    def write(self, junit: str | None, lines: str | None) -> None:
        """Raises UsageError when a file cannot be written."""
        if junit:
            write_suite(junit, [self._case(s) for s in self.steps],
                        name=f"tuiphone run {Path(self.path).name}",
                        properties={"script": self.path, "mos_method": MOS_METHOD})
        if lines:
            jsonl.append(lines, [self._action(s) for s in self.steps if not s.skipped])

    def _case(self, step: Step) -> Case:
        name = f"{step.number}: {step.line}"
        classname = f"tuiphone.run.{Path(self.path).stem}"
        if step.skipped:
            return Case(name, classname, skipped="not run: an earlier line failed")
        failure: BaseException | str | None = step.error if step.code else None
        if step.code and failure is None:
            failure = f"exit {step.code}"
        return Case(name, classname, failure, step.result, step.ended - step.started)

    def _action(self, step: Step) -> jsonl.Action:
        fields: dict[str, Any] = {"line": step.number, "exit_status": step.code}
        result = step.result
        if step.command == "call" and isinstance(result, dict) and "rx" in result:
            # a line that passed got the answer it expected (--expect CODE)
            expected = 200 if step.code else int(result.get("status_code") or 0)
            fields.update(jsonl.call_fields(result, expected))
        elif isinstance(result, dict) and "status_code" in result:
            fields.update(cause_code=result["status_code"], reason=result.get("reason", ""))
        failures = [str(step.error) or type(step.error).__name__] if step.error else []
        if step.code and not failures:
            failures = [f"exit {step.code}"]
        return jsonl.Action(step.command or "parse", step.line, step.started, step.ended,
                            step.code == 0, fields, failures)
