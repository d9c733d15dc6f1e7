"""Country names as people write them in ADR, to ISO 3166 alpha-2 codes.

Only a hint for reading national-format numbers of contacts abroad; an unknown
name simply gives no hint.
"""

from __future__ import annotations

_NAMES = {
    "AT": ("austria", "österreich", "oesterreich"),
    "AU": ("australia",),
    "BE": ("belgium", "belgië", "belgique", "belgien"),
    "CA": ("canada",),
    "CH": ("switzerland", "schweiz", "suisse", "svizzera"),
    "DE": ("germany", "deutschland", "allemagne"),
    "DK": ("denmark", "danmark"),
    "ES": ("spain", "españa", "espana", "spanien"),
    "FR": ("france", "frankreich"),
    "GB": ("united kingdom", "uk", "great britain", "england", "scotland", "wales"),
    "IE": ("ireland",),
    "IN": ("india",),
    "IT": ("italy", "italia", "italien"),
    "NL": ("netherlands", "nederland", "the netherlands", "holland", "niederlande"),
    "NO": ("norway", "norge"),
    "PL": ("poland", "polska", "polen"),
    "PT": ("portugal",),
    "SE": ("sweden", "sverige", "schweden"),
    "US": ("usa", "united states", "united states of america", "u.s.a.", "us"),
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names}


def country_code(country: str) -> str:
    """ISO code for a country field ('' when unknown); two-letter input is taken as is."""
    text = country.strip().lower()
    if len(text) == 2 and text.isalpha() and text not in _BY_NAME:
        return text.upper()
    return _BY_NAME.get(text, "")
