"""What the index needs of one contact, worked out once per parse.

A row holds the sort name, the search haystack and the caller-ID keys. Rows
travel with parse results (``ReadResult.rows``) and are kept in the warm-start
cache, so an unchanged card costs no lowercasing, joining or ``phonenumbers``
call when the index is built again. Keys depend on the region and on the
``phonenumbers`` metadata: ``stamp`` names both, and rows of another stamp are
never used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import phonenumbers

from tuiphone.contacts.callerid import Normalise, caller_keys
from tuiphone.contacts.contact import Contact
from tuiphone.contacts.numbers import to_e164

ROW_VERSION = 1  # bump when what a row holds, or how it is worked out, changes
_NON_DIGIT = re.compile(r"\D")


class IndexRow(NamedTuple):
    name: str  # display name, lower case: the sort and name-prefix key
    haystack: str  # every searchable field, lower case, one per line
    e164: str  # space-separated, like the next two (see ``CallerKeys``)
    digits: str
    suffixes: str
    sips: Sequence[str]


def stamp(region: str) -> str:
    """What rows made for ``region`` depend on; stored next to them."""
    return f"{ROW_VERSION}/{region.upper()}/{phonenumbers.__version__}"


def haystack(c: Contact) -> str:
    fields = [c.display_name, c.fn, c.nickname, c.org, *c.categories]
    fields += [e.address for e in c.emails] + list(c.sips)
    fields += [p.number for p in c.phones] + [_NON_DIGIT.sub("", p.number) for p in c.phones]
    return "\n".join(f for f in fields if f).lower()


def make_row(contact: Contact, region: str, normalise: Normalise = to_e164) -> IndexRow:
    """``contact``'s row; ``region`` (ISO 3166 alpha-2) reads national numbers."""
    keys = caller_keys(contact, region.upper(), normalise)
    return IndexRow(contact.display_name.lower(), haystack(contact), *keys)


def keyed_row(
    light: tuple[str, str], contact: Contact, region: str, normalise: Normalise = to_e164
) -> IndexRow:
    """``contact``'s row from its sort name and haystack (``light``), made before."""
    return IndexRow(light[0], light[1], *caller_keys(contact, region.upper(), normalise))


def make_rows(
    contacts: Iterable[Contact], region: str, normalise: Normalise = to_e164
) -> list[IndexRow | None]:
    return [make_row(c, region, normalise) for c in contacts]
