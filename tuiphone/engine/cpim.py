"""CPIM (RFC 3862, ``message/cpim``): the envelope IMDN rides in, as Linphone uses it.

A CPIM body is: message headers (``From``, ``To``, ``DateTime``, ``NS`` and namespaced
headers such as ``imdn.Message-ID``), a blank line, MIME headers (``Content-Type``), a
blank line, the content. ``parse`` resolves namespace prefixes: a header whose prefix
the ``NS`` lines map to the IMDN namespace is named ``imdn.<name>`` whatever the
sender's prefix. Names are kept lower-case. Pure functions; malformed input raises
CpimError with one readable line.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

CONTENT_TYPE = "message/cpim"
IMDN_NS = "urn:ietf:params:imdn"
MAX_HEADERS = 64
_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+^_`|~.-]+$")
_BLANK = re.compile(r"\r?\n\r?\n")
_NS = re.compile(r"^\s*([A-Za-z0-9_-]*)\s*<([^>]*)>\s*$")


class CpimError(ValueError):
    """A body that is not CPIM; the text says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Cpim:
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> value
    content_type: str = "text/plain"  # without parameters, lower-case
    content_headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    truncated: bool = False  # shorter than its Content-Length

    def get(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def is_cpim(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == CONTENT_TYPE


def parse(text: str) -> Cpim:
    """Raises CpimError for a body without the two header blocks or with a bad line."""
    parts = _BLANK.split(text, maxsplit=2)
    if len(parts) < 2:
        raise CpimError("CPIM body has no blank line after its message headers")
    head, mime = parts[0], parts[1]
    body = parts[2] if len(parts) == 3 else ""
    if not mime.strip():
        raise CpimError("CPIM body has no content headers (Content-Type)")
    raw = _fields(head, "message")
    prefixes = {"": ""}
    for name, value in raw:
        if name.lower() == "ns":
            m = _NS.match(value)
            if m is None:
                raise CpimError(f"CPIM NS header {value!r} is not 'prefix <uri>'")
            prefixes[m.group(1).lower()] = m.group(2).strip()
    headers: dict[str, str] = {}
    for name, value in raw:
        low = name.lower()
        if low == "ns":
            continue
        prefix, dot, local = low.rpartition(".")
        if dot and prefixes.get(prefix) == IMDN_NS:
            low = f"imdn.{local}"
        headers.setdefault(low, value)
    content = dict((n.lower(), v) for n, v in _fields(mime, "content"))
    ctype = content.get("content-type", "text/plain").split(";", 1)[0].strip().lower()
    if not ctype or "/" not in ctype:
        raise CpimError(f"CPIM Content-Type {content.get('content-type')!r} is not type/subtype")
    truncated = False
    length = content.get("content-length", "").strip()
    if length.isdigit():
        data = body.encode("utf-8")
        want = int(length)
        if want < len(data):
            body = data[:want].decode("utf-8", errors="replace")
        truncated = want > len(data)
    return Cpim(headers, ctype, content, body, truncated)


def _fields(block: str, what: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in block.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        if line[0] in " \t" and out:  # folded continuation
            out[-1] = (out[-1][0], f"{out[-1][1]} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon or not _NAME.match(name.strip()):
            raise CpimError(f"CPIM {what} header line {line[:60]!r} is not 'Name: value'")
        out.append((name.strip(), value.strip()))
        if len(out) > MAX_HEADERS:
            raise CpimError(f"CPIM body has over {MAX_HEADERS} {what} headers")
    return out


def build(from_uri: str, to_uri: str, content_type: str, body: str,
          imdn: dict[str, str] | None = None, now: float | None = None,
          content_disposition: str = "") -> str:
    """A CPIM body carrying ``body``; ``imdn`` names IMDN headers without their prefix
    (``Message-ID``, ``Disposition-Notification``). DateTime is UTC with a "Z"."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
    lines = [f"From: <{from_uri}>", f"To: <{to_uri}>", f"DateTime: {stamp}"]
    if imdn:
        lines.append(f"NS: imdn <{IMDN_NS}>")
        lines += [f"imdn.{name}: {value}" for name, value in imdn.items()]
    lines.append("")
    lines.append(f"Content-Type: {content_type}")
    if content_disposition:
        lines.append(f"Content-Disposition: {content_disposition}")
    lines.append(f"Content-Length: {len(body.encode('utf-8'))}")
    lines.append("")
    return "\r\n".join(lines) + "\r\n" + body
