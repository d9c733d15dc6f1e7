"""A one-test-case JUnit XML report, for CI systems that read them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tuiphone.model.codec import dumps
from tuiphone.model.errors import UsageError


def write_junit(path: str, name: str, error: BaseException | None, result: object) -> None:
    """Write ``path``; ``error`` None means the test passed. Raises UsageError on I/O."""
    suite = ET.Element("testsuite", name="tuiphone", tests="1",
                       failures="1" if error else "0", errors="0")
    case = ET.SubElement(suite, "testcase", classname="tuiphone.call", name=name)
    if error is not None:
        failure = ET.SubElement(case, "failure", message=str(error), type=type(error).__name__)
        failure.text = str(error)
    if result is not None:
        ET.SubElement(case, "system-out").text = dumps(result, indent=2)
    try:
        ET.ElementTree(suite).write(Path(path), encoding="utf-8", xml_declaration=True)
    except OSError as err:
        raise UsageError(f"--junit {path}: {err.strerror}") from err
