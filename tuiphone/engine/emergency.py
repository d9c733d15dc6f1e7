"""Is a dialled number an emergency number? phonenumbers' offline short-number data
(ShortNumberInfo) for the account's region, plus the account's own list, after any PBX
outside-line prefix.

Kari's Law: "9911" on a PBX whose outside line is "9" is 911, and so is "911" itself.
"""

from __future__ import annotations

import re

from tuiphone.model.account import AccountConfig

_VISUAL = re.compile(r"[\s().\-/]")  # what people type between digits
_USER = re.compile(r"^(?:sips?|tel):([^@;>]+)", re.I)


def dialled_digits(uri: str) -> str:
    """The number in a dial string or sip:/tel: URI, separators removed ("" if none)."""
    match = _USER.match(uri.strip().strip("<>"))
    user = match.group(1) if match else uri.strip()
    user = _VISUAL.sub("", user)
    return user if user and all(c in "0123456789*#+" for c in user) else ""


def candidates(digits: str, prefixes: tuple[str, ...]) -> list[str]:
    """``digits`` and ``digits`` without each PBX prefix it starts with."""
    found = [digits]
    found += [digits[len(p):] for p in prefixes if p and digits.startswith(p) and digits != p]
    return found


def is_emergency(uri: str, acc: AccountConfig, default_region: str) -> bool:
    """Whether calling ``uri`` (as typed or resolved) on ``acc`` calls the emergency
    services of the account's region (``acc.region``, else ``default_region``)."""
    digits = dialled_digits(uri)
    if not digits:
        return False
    region = acc.region or default_region
    for number in candidates(digits, acc.dial_prefix):
        if number in acc.emergency_numbers or _short_emergency(number, region):
            return True
    return False


def _short_emergency(number: str, region: str) -> bool:
    # the shortnumberinfo module (Python port of libphonenumber's ShortNumberInfo);
    # about 20 ms on first use, so only when dialling
    from phonenumbers import is_emergency_number

    return bool(number.isdigit() and is_emergency_number(number, region))
