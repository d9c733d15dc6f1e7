"""Check PIDF-LO documents against the RFC 3863/4479/4119/5139/5491 schemas in
tests/data/pidflo (lxml), and split SIP messages as SIPp's -trace_msg logs them."""

from __future__ import annotations

import email.parser
import email.policy
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SCHEMA = Path(__file__).parents[1] / "data" / "pidflo" / "pidf.xsd"


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def schema_errors(document: str | bytes) -> list[str]:
    """Every schema violation of ``document`` ([] when it validates)."""
    data = document.encode() if isinstance(document, str) else document
    schema = _schema()
    if schema.validate(etree.fromstring(data)):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


@dataclass(frozen=True, slots=True)
class Part:
    headers: dict[str, str]
    body: str


@dataclass(frozen=True, slots=True)
class SipMessage:
    start: str
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str | None:
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)

    def parts(self) -> list[Part]:
        """The parts of a multipart body, in order."""
        ctype = self.header("Content-Type") or ""
        raw = f"Content-Type: {ctype}\r\n\r\n{self.body}"
        msg = email.parser.Parser(policy=email.policy.compat32).parsestr(raw)
        found = []
        for sub in msg.get_payload():
            payload = sub.get_payload(decode=False)
            found.append(Part({k: v for k, v in sub.items()}, str(payload)))
        return found


_SPLIT = re.compile(r"^-{5,}.*$", re.M)


def requests(log: Path, method: str) -> list[SipMessage]:
    """The ``method`` requests SIPp received, from its ``-message_file``."""
    text = log.read_text(encoding="utf-8", errors="replace")
    found: list[SipMessage] = []
    for chunk in _SPLIT.split(text):
        lines = chunk.strip("\n").split("\n")
        while lines and not lines[0].startswith(f"{method} "):
            lines.pop(0)
        if not lines:
            continue
        found.append(_message("\n".join(lines)))
    return found


def _message(text: str) -> SipMessage:
    text = text.replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return SipMessage(lines[0], headers, body.replace("\n", "\r\n"))
