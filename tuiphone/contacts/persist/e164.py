"""E.164 results remembered per (number as written, region) across runs.

Normalising with ``phonenumbers`` is the slow half of building the caller-ID
table, and its answer depends on the region and on the library's metadata, so
both are part of the key. Only the pairs used since the memo was loaded are
written back, so numbers of deleted cards do not pile up. (Index rows in the
parse cache carry the results for unchanged cards; the memo is read only when
some card has to be normalised again.)
"""

from __future__ import annotations

import json
from pathlib import Path

import phonenumbers

from tuiphone.contacts.numbers import to_e164
from tuiphone.contacts.persist.disk import write_private
from tuiphone.contacts.persist.erase import NUMBERS_FILE

FILE_NAME = NUMBERS_FILE
VERSION = 1

Key = tuple[str, str]


class NumberMemo:
    """Call it like ``to_e164(text, region)``. Not thread-safe."""

    def __init__(self, known: dict[Key, str | None] | None = None) -> None:
        self._known = known or {}
        self._used: set[Key] = set()
        self.changed = False

    def __call__(self, text: str, region: str) -> str | None:
        key = (text, region)
        self._used.add(key)
        try:
            return self._known[key]
        except KeyError:
            found = self._known[key] = to_e164(text, region)
            self.changed = True
            return found

    def used(self) -> dict[Key, str | None]:
        return {k: self._known[k] for k in self._used if k in self._known}

    def dirty(self) -> bool:
        """Whether the stored file would differ: new pairs, or unused ones to drop."""
        return self.changed or len(self._used) != len(self._known)

    def take(self) -> dict[Key, str | None]:
        """Drop the pairs the last build did not use and return the rest to store."""
        self._known = self.used()
        self.changed = False
        return dict(self._known)


def stamp() -> str:
    return f"{VERSION}/{phonenumbers.__version__}"


def load(folder: Path) -> NumberMemo:
    """The memo stored in ``folder``; an empty one when missing or unreadable."""
    try:
        data = json.loads((folder / FILE_NAME).read_bytes())
        if data["stamp"] != stamp():
            return NumberMemo()
        known = {(str(t), str(r)): (None if e is None else str(e)) for t, r, e in data["entries"]}
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return NumberMemo()
    return NumberMemo(known)


def save(folder: Path, stamp: str, pairs: dict[Key, str | None]) -> None:
    """Write ``pairs`` (from ``NumberMemo.take``) atomically, mode 0600; raises OSError."""
    entries = [[t, r, e] for (t, r), e in sorted(pairs.items())]
    text = json.dumps({"stamp": stamp, "entries": entries}, ensure_ascii=False)
    write_private(folder / FILE_NAME, [text.encode("utf-8")])
