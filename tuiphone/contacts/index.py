"""Search-as-you-type and caller-ID lookup over a fixed list of contacts.

``search`` scans one precomputed lowercased haystack per contact (~1 ms for 10k
cards) and narrows from the previous query's matches while the user keeps typing.

The caller-ID table needs every number in E.164 (``phonenumbers``: the slow half
of a cold load). Contacts whose keys are not known yet (no cached row) get them
when the table is first needed: on the first lookup, or earlier from
``finish_keys`` (which ``ContactBook`` runs in a background thread). A lookup
that comes first builds the table itself, or waits for the thread building it,
so it never answers "unknown" for a contact that is there.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Sequence

from tuiphone.contacts.callerid import CallerIdTable, Normalise, build_table
from tuiphone.contacts.contact import Contact
from tuiphone.contacts.indexrow import IndexRow, haystack, keyed_row
from tuiphone.contacts.numbers import to_e164

_NUMERIC = re.compile(r"^[+\d()./-]*\d[+\d()./-]*$")
_NON_DIGIT = re.compile(r"\D")


def _token(tok: str) -> str:
    return _NON_DIGIT.sub("", tok) if _NUMERIC.match(tok) else tok


class ContactIndex:
    """Immutable after ``build`` (but for the caller-ID keys, filled in once under a
    lock); safe to share between threads (the narrowing cache is replaced
    atomically). Build a new index when the contacts change."""

    def __init__(
        self,
        contacts: list[Contact],
        rows: list[IndexRow | None],
        light: list[tuple[str, str]],
        region: str,
        keys: tuple[Normalise, threading.Lock] | None = None,
    ) -> None:
        """Use ``build``; ``rows[i]`` (None: keys not made yet) and ``light[i]`` (sort
        name, haystack) belong to ``contacts[i]``, all sorted by name. ``keys``: how
        to normalise numbers, and the lock that guards it (and the table)."""
        self._contacts = contacts
        self._rows = rows
        self._names = [name for name, _ in light]
        self._spaced = _packed(self._names, " ")
        self._hays = _packed([hay for _, hay in light])
        self._region = region
        self._normalise, self._lock = keys if keys is not None else (to_e164, threading.Lock())
        self._table: CallerIdTable | None = None
        if None not in rows:
            self._table = build_table(self._full_rows(), region)
        self._last: tuple[str, list[int]] = ("", list(range(len(self._contacts))))

    @classmethod
    def build(
        cls,
        contacts: Iterable[Contact],
        region: str = "US",
        normalise: Normalise = to_e164,
        rows: Sequence[IndexRow | None] = (),
        lock: threading.Lock | None = None,
    ) -> ContactIndex:
        """Index ``contacts``; ``region`` (ISO 3166 alpha-2) reads national numbers;
        ``normalise`` is ``to_e164`` or a memo of it, used only under ``lock`` (give
        one lock to every index sharing a memo). ``rows[i]``, when given and not
        None, is ``contacts[i]``'s row made for ``region`` (not made again); the
        caller-ID keys of the others are made when the table is first needed."""
        people = list(contacts)
        full = list(_padded(rows, len(people)))
        light = [
            (row.name, row.haystack) if row is not None else (c.display_name.lower(), haystack(c))
            for c, row in zip(people, full, strict=True)
        ]
        order = sorted(range(len(people)), key=[n for n, _ in light].__getitem__)
        return cls(
            [people[i] for i in order], [full[i] for i in order], [light[i] for i in order],
            region, (normalise, lock if lock is not None else threading.Lock()),
        )

    def __len__(self) -> int:
        return len(self._contacts)

    def pending(self) -> int:
        """How many contacts' caller-ID keys are still to be made."""
        return 0 if self._table is not None else self._rows.count(None)

    def finish_keys(self) -> None:
        """Make the missing caller-ID keys and the table now (if not done yet)."""
        self._ensure_table()

    def rows(self) -> dict[int, IndexRow]:
        """Every contact's full row by ``id(contact)`` (makes the keys first)."""
        self._ensure_table()
        return {id(c): row for c, row in zip(self._contacts, self._full_rows(), strict=True)}

    def _full_rows(self) -> list[IndexRow]:
        return [row for row in self._rows if row is not None]

    def _ensure_table(self) -> CallerIdTable:
        table = self._table
        if table is not None:
            return table
        with self._lock:
            if self._table is None:
                region, normalise = self._region, self._normalise
                for i, row in enumerate(self._rows):
                    if row is None:
                        light = (self._names[i], self._hays[i])
                        self._rows[i] = keyed_row(light, self._contacts[i], region, normalise)
                self._table = build_table(self._full_rows(), self._region)
            return self._table

    @property
    def contacts(self) -> list[Contact]:
        """All contacts, sorted by display name."""
        return list(self._contacts)

    def search(self, text: str, limit: int = 50) -> list[Contact]:
        """Contacts whose name, nickname, organisation, category, email, SIP URI or
        number contains every word of ``text`` (case-insensitive; digits match
        numbers whatever their punctuation). Name-prefix matches first, then
        word-start matches, then the rest, each alphabetical."""
        query = " ".join(text.lower().split())
        if not query:
            return self._contacts[:limit]
        matches = self._matches(query)
        lo = bisect.bisect_left(self._names, query)
        hi = bisect.bisect_left(self._names, query + "\uffff")
        first = list(range(lo, min(hi, lo + limit)))
        if len(first) < limit:
            rest = [i for i in matches if not lo <= i < hi]
            word = " " + query
            first += [i for i in rest if word in self._spaced[i]][: limit - len(first)]
            first += [i for i in rest if word not in self._spaced[i]][: limit - len(first)]
        return [self._contacts[i] for i in first]

    def _matches(self, query: str) -> list[int]:
        last_query, last = self._last
        candidates = last if last_query and query.startswith(last_query) else None
        tokens = [_token(t) for t in query.split()]
        hays = self._hays
        for tok in tokens:
            pool = range(len(hays)) if candidates is None else candidates
            candidates = [i for i in pool if tok in hays[i]]
        result = candidates or []
        self._last = (query, result)
        return result

    def lookup(self, number_or_uri: str) -> Contact | None:
        """The contact owning a number (any format) or SIP URI / header, or None."""
        hits = self._ensure_table().find(number_or_uri)
        return self._contacts[hits[0]] if hits else None

    def lookup_all(self, number_or_uri: str) -> list[Contact]:
        """Every contact sharing that number or URI (an office line may have many)."""
        return [self._contacts[i] for i in self._ensure_table().find(number_or_uri)]


def _padded(rows: Sequence[IndexRow | None], size: int) -> Sequence[IndexRow | None]:
    return rows if len(rows) == size else [*rows[:size], *[None] * (size - len(rows))]


def _packed(texts: list[str], prefix: str = "") -> list[str]:
    """``prefix + t`` for every text, laid out one after another in memory: rows
    made one file at a time (or decoded from the cache) lie scattered between
    other objects, and scanning them all per keystroke then takes up to twice as
    long."""
    copies = (prefix + f"\0{prefix}".join(texts)).split("\0")
    if len(copies) == len(texts):
        return copies
    return [prefix + t for t in texts]  # a NUL inside one (or no texts at all)
