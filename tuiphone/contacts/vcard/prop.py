"""One property line: ``group.NAME;PARAM=a,b:value``."""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass

from tuiphone.contacts.vcard.text import find_unquoted, split_quoted

Params = tuple[tuple[str, tuple[str, ...]], ...]

_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}


# Binary blobs are big; their value is re-read from the card's bytes on demand.
LAZY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})


@dataclass(frozen=True, slots=True)
class Property:
    """A parsed property. ``name``/param keys are upper case; ``value`` is still escaped
    (but quoted-printable is decoded). ``start``/``end`` index the card's raw bytes.
    For the LAZY names ``value`` is '' here: use ``Card.value_of``."""

    group: str
    name: str
    params: Params
    value: str
    start: int
    end: int
    lineno: int

    def param(self, key: str) -> tuple[str, ...]:
        """All values of one parameter (upper-case ``key``), possibly empty."""
        for k, values in self.params:
            if k == key:
                return values
        return ()

    @property
    def types(self) -> frozenset[str]:
        """TYPE values in lower case, including comma-joined and bare 2.1 forms."""
        return frozenset(
            t.strip().lower() for v in self.param("TYPE") for t in v.split(",") if t.strip()
        )


def _param(part: str) -> tuple[str, tuple[str, ...]]:
    key, eq, raw = part.partition("=")
    if not eq:
        bare = key.strip().upper()
        return ("ENCODING" if bare in _ENCODINGS else "TYPE", (key.strip(),))
    if "," not in raw and '"' not in raw:
        return key.strip().upper(), (raw.strip(),)
    values = tuple(v.strip().strip('"') for v in split_quoted(raw, ","))
    return key.strip().upper(), values


def _merge(params: list[tuple[str, tuple[str, ...]]]) -> Params:
    if len(params) < 2:
        return tuple(params)
    merged: dict[str, tuple[str, ...]] = {}
    for key, values in params:
        merged[key] = merged.get(key, ()) + values
    return tuple(merged.items())


def _is_qp(params: Params) -> bool:
    for key, values in params:
        if key == "ENCODING" and values and values[0].upper() == "QUOTED-PRINTABLE":
            return True
    return False


def _qp_decode(value: str, params: Params) -> str:
    charset = next((v[0] for k, v in params if k == "CHARSET" and v), "utf-8")
    raw = quopri.decodestring(value.encode("latin-1", "replace"))
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return raw.decode("cp1252", "replace")


def parse_property(text: str, start: int, end: int, lineno: int) -> Property | None:
    """Parse one logical line; None if it is not a property (a garbage line)."""
    colon = text.find(":")
    if colon > 0 and ";" not in text[:colon] and '"' not in text[:colon]:
        return _bare(text, colon, start, end, lineno)
    colon = find_unquoted(text, ":")
    if colon <= 0:
        return None
    head = split_quoted(text[:colon], ";")
    group, _, name = head[0].strip().rpartition(".")
    if not _NAME.match(name):
        return None
    params = _merge([_param(p) for p in head[1:] if p.strip()])
    value = text[colon + 1 :]
    if _is_qp(params):
        value = _qp_decode(value, params)
    name = name.upper()
    if name in LAZY:
        value = ""
    return Property(group, name, params, value, start, end, lineno)


def _bare(text: str, colon: int, start: int, end: int, lineno: int) -> Property | None:
    """The common case: no parameters, no quotes (what ``parse_property`` would do)."""
    group, _, name = text[:colon].strip().rpartition(".")
    if not _NAME.match(name):
        return None
    name = name.upper()
    value = "" if name in LAZY else text[colon + 1 :]
    return Property(group, name, (), value, start, end, lineno)


def parse_value(text: str) -> str:
    """The value part of one logical line (for lazily kept properties)."""
    colon = find_unquoted(text, ":")
    return text[colon + 1 :] if colon >= 0 else ""
