"""JUnit XML reports, for CI systems that read them: one test suite of test cases.

``call``, ``register``, ``load`` and ``run FILE`` write them (``--junit FILE``). The
layout is the one Jenkins, GitLab and pytest agree on: ``testsuite`` with ``tests``,
``failures``, ``errors``, ``time``; a ``testcase`` per check with a ``failure`` element
when it failed (its message names what failed) and its report in ``system-out``.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tuiphone.model.codec import dumps
from tuiphone.model.errors import UsageError


@dataclass(frozen=True, slots=True)
class Case:
    """One test case; ``failure`` is None when it passed."""

    name: str
    classname: str
    failure: BaseException | str | None = None
    result: object = None
    seconds: float = 0.0
    skipped: str | None = None  # why it did not run


def write_suite(path: str, cases: Sequence[Case], name: str = "tuiphone",
                properties: Mapping[str, str] | None = None) -> None:
    """Write ``path`` (replacing it). Raises UsageError on I/O."""
    failed = sum(1 for c in cases if c.failure is not None)
    skipped = sum(1 for c in cases if c.skipped is not None)
    total_s = sum(c.seconds for c in cases)
    suite = ET.Element("testsuite", name=name, tests=str(len(cases)), failures=str(failed),
                       errors="0", skipped=str(skipped), time=f"{total_s:.3f}",
                       timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"))
    if properties:
        props = ET.SubElement(suite, "properties")
        for key, value in properties.items():
            ET.SubElement(props, "property", name=key, value=value)
    for case in cases:
        _case(suite, case)
    try:
        ET.ElementTree(suite).write(Path(path), encoding="utf-8", xml_declaration=True)
    except OSError as err:
        raise UsageError(f"--junit {path}: {err.strerror}") from err


def _case(suite: ET.Element, case: Case) -> None:
    element = ET.SubElement(suite, "testcase", classname=case.classname, name=case.name,
                            time=f"{case.seconds:.3f}")
    if case.skipped is not None:
        ET.SubElement(element, "skipped", message=case.skipped)
    if case.failure is not None:
        text = str(case.failure) or type(case.failure).__name__
        kind = type(case.failure).__name__ if isinstance(case.failure, BaseException) \
            else "failure"
        ET.SubElement(element, "failure", message=text, type=kind).text = text
    if case.result is not None:
        ET.SubElement(element, "system-out").text = dumps(case.result, indent=2)


def write_junit(path: str, name: str, error: BaseException | None, result: object,
                classname: str = "tuiphone.call", seconds: float = 0.0,
                properties: Mapping[str, str] | None = None) -> None:
    """A one-case report: ``error`` None means the test passed. Raises UsageError."""
    write_suite(path, [Case(name, classname, error, result, seconds)], properties=properties)
