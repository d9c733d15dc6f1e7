"""What a user types into the dialpad or ``tuiphone call``, turned into a SIP target.

Accepted forms (``domain`` is the account's host[:port], needed for the bare ones):

- ``sip:``/``sips:`` URIs: ``[user[:password]@]host[:port][;params][?headers]``, host a
  name, an IPv4 address or a bracketed IPv6 address; also ``Name <sip:...>``.
- ``tel:`` URIs: ``tel:+15551234567`` (visual separators dropped); a local number needs
  ``;phone-context=``.
- ``user@host[...]``: gets the default scheme.
- A bare IP literal (``10.0.0.5``, ``[::1]:5062``): ``sip:`` that host.
- A phone number (digits with spaces, dashes, dots, parentheses; ``*``, ``#``, a leading
  ``+``): ``sip:<number>@domain`` with ``#`` escaped.
- A bare user or extension: ``sip:<user>@domain``.

Post-dial digits start at the first ``,``: ``+15551234567,,123#`` dials the number and,
once answered, sends ``,,123#`` as DTMF, each ``,`` being a one-second pause. Only
``0-9 * # A-D ,`` may follow. (A literal comma in a SIP user must be written ``%2C``.)
The engine maps the special name ``echo`` before calling this. Pure functions, any thread.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from tuiphone.model.errors import InvalidUri, UsageError
from tuiphone.model.rules import CallRules


@dataclass(frozen=True, slots=True)
class DialTarget:
    uri: str
    post_dial: str = ""  # DTMF to send after answer; ',' is a one-second pause
    display: str = ""  # what to show: a name, number, user or user@host


_ESC = r"%[0-9A-Fa-f]{2}"
_SIP_USER = re.compile(rf"(?:[A-Za-z0-9\-_.!~*'()&=+$,;/]|{_ESC})+")
_BARE_USER = re.compile(rf"(?:[A-Za-z0-9\-_.!~*'&=+$]|{_ESC})+")
_PASSWORD = re.compile(rf"(?:[A-Za-z0-9\-_.!~*'()&=+$,]|{_ESC})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?")
_PARAM = re.compile(rf"(?:[A-Za-z0-9\-_.!~*'()\[\]/:&+$]|{_ESC})+")
_HEADERS = re.compile(rf"(?:[A-Za-z0-9\-_.!~*'()\[\]/?:+$=&]|{_ESC})*")
_PHONE = re.compile(r"[+0-9\s().\-*#]+")
_TEL_GLOBAL = re.compile(r"\+[0-9().\-]+")
_TEL_LOCAL = re.compile(r"[0-9A-Fa-f*#().\-]+")
_IPV4_BARE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(?![0-9])")
_POST_DIAL = re.compile(r"[0-9*#A-D,]*")
_VISUAL = str.maketrans("", "", " \t().-")


def parse_dial(text: str, domain: str | None = None, default_scheme: str = "sip") -> DialTarget:
    """Parse a dial string. Raises InvalidUri with a message fit to show the user.

    ``default_scheme`` ("sip" or "sips") is used for everything typed without a scheme.
    """
    if default_scheme not in ("sip", "sips"):
        raise UsageError(f"default scheme must be 'sip' or 'sips', not {default_scheme!r}")
    raw = text.strip()
    if not raw:
        raise InvalidUri("nothing to dial: type a number, a user, or a sip: address")
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise InvalidUri(f"{raw!r}: control characters are not allowed")
    name, raw = _split_name_addr(raw)
    target, post_dial = _split_post_dial(raw)
    uri, display = _resolve(target, domain, default_scheme)
    return DialTarget(uri=uri, post_dial=post_dial, display=name or display)


def _split_name_addr(raw: str) -> tuple[str, str]:
    """``Alice <sip:alice@x>,1`` -> ("Alice", "sip:alice@x,1"); anything else unchanged."""
    start, end = raw.rfind("<"), raw.rfind(">")
    if start < 0 or end < start:
        return "", raw
    name = raw[:start].strip().strip('"').strip()
    return name, raw[start + 1 : end].strip() + raw[end + 1 :]


def _split_post_dial(raw: str) -> tuple[str, str]:
    target, comma, rest = raw.partition(",")
    target = target.strip()
    if not target:
        raise InvalidUri(f"{raw!r}: nothing to dial before the post-dial digits")
    post = (comma + rest).replace(" ", "").upper()
    if not _POST_DIAL.fullmatch(post):
        raise InvalidUri(
            f"{raw!r}: after ',' only DTMF digits 0-9 * # A-D and ',' (1 s pause) may follow"
        )
    return target, post


def _resolve(target: str, domain: str | None, scheme: str) -> tuple[str, str]:
    """Returns (uri, display)."""
    if not target.isascii():
        raise InvalidUri(f"{target!r}: non-ASCII characters must be percent-encoded")
    lower = target.lower()
    if lower.startswith(("sip:", "sips:")):
        return _sip_uri(target)
    if lower.startswith("tel:"):
        return _tel_uri(target)
    if m := _SCHEME.match(target):
        raise InvalidUri(f"{target!r}: unsupported scheme {m.group(1)!r}; use sip:, sips: or tel:")
    if "@" in target:
        return _sip_uri(f"{scheme}:{target}")
    if target.startswith("[") or _IPV4_BARE.fullmatch(target):
        return _sip_uri(f"{scheme}:{target}")
    if _PHONE.fullmatch(target) and any(c.isdigit() for c in target):
        return _number(target, domain, scheme)
    return _bare_user(target, domain, scheme)


def _sip_uri(uri: str) -> tuple[str, str]:
    scheme, _, rest = uri.partition(":")
    scheme = scheme.lower()
    if not rest:
        raise InvalidUri(f"{uri!r}: nothing after '{scheme}:'; expected user@host")
    if any(c.isspace() for c in rest):
        raise InvalidUri(f"{uri!r}: spaces are not allowed in a SIP address")
    body, qmark, headers = rest.partition("?")
    if qmark and not _HEADERS.fullmatch(headers):
        raise InvalidUri(f"{uri!r}: malformed headers after '?'")
    if body.count("@") > 1:
        raise InvalidUri(f"{uri!r}: more than one '@' (write a literal '@' as %40)")
    userinfo, at, hostpart = body.rpartition("@")
    user = _check_userinfo(uri, userinfo) if at else ""
    hostport, _, params = hostpart.partition(";")
    host = _check_hostport(uri, hostport)
    for param in params.split(";") if params else ():
        if not _PARAM.fullmatch(param.replace("=", "", 1)):
            raise InvalidUri(f"{uri!r}: malformed parameter {param!r}")
    return f"{scheme}:{rest}", f"{user}@{host}" if user else host


def _check_userinfo(uri: str, userinfo: str) -> str:
    user, _, password = userinfo.partition(":")
    if not user:
        raise InvalidUri(f"{uri!r}: missing user before '@'")
    if not _SIP_USER.fullmatch(user) or not _PASSWORD.fullmatch(password):
        raise InvalidUri(f"{uri!r}: the user part {user!r} contains a character not allowed")
    return user


def _check_hostport(uri: str, hostport: str) -> str:
    """Validate host[:port]; returns the host as written."""
    if not hostport:
        raise InvalidUri(f"{uri!r}: missing host (expected user@host)")
    if hostport.startswith("["):
        host, sep, port = _split_ipv6(uri, hostport)
    else:
        if hostport.count(":") > 1:
            raise InvalidUri(f"{uri!r}: put IPv6 addresses in brackets, e.g. [2001:db8::1]:5060")
        host, sep, port = hostport.partition(":")
        _check_host(uri, host)
    if sep and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise InvalidUri(f"{uri!r}: port must be a number from 1 to 65535, not {port!r}")
    return host


def _split_ipv6(uri: str, hostport: str) -> tuple[str, str, str]:
    close = hostport.find("]")
    if close < 0:
        raise InvalidUri(f"{uri!r}: '[' without a closing ']'")
    try:
        ipaddress.IPv6Address(hostport[1:close])
    except ValueError:
        raise InvalidUri(f"{uri!r}: {hostport[1:close]!r} is not an IPv6 address") from None
    rest = hostport[close + 1 :]
    if rest and not rest.startswith(":"):
        raise InvalidUri(f"{uri!r}: unexpected {rest!r} after the IPv6 address")
    return hostport[: close + 1], rest[:1], rest[1:]


def _check_host(uri: str, host: str) -> None:
    if not host:
        raise InvalidUri(f"{uri!r}: missing host (expected user@host)")
    if all(c.isdigit() or c == "." for c in host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise InvalidUri(f"{uri!r}: {host!r} is not a valid IPv4 address") from None
        return
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidUri(f"{uri!r}: {host!r} is not a valid host name")


def _tel_uri(uri: str) -> tuple[str, str]:
    if any(c.isspace() for c in uri):
        raise InvalidUri(f"{uri!r}: spaces are not allowed in a tel: URI")
    number, semi, params = uri[4:].partition(";")
    if not any(c.isdigit() for c in number):
        raise InvalidUri(f"{uri!r}: a tel: URI needs a number, e.g. tel:+15551234567")
    if number.startswith("+"):
        ok = bool(_TEL_GLOBAL.fullmatch(number))
    else:
        ok = bool(_TEL_LOCAL.fullmatch(number))
        if ok and "phone-context=" not in params.lower():
            raise InvalidUri(
                f"{uri!r}: a local tel: number needs ;phone-context=...; "
                "use a leading + or dial the number without tel:"
            )
    if not ok:
        raise InvalidUri(f"{uri!r}: {number!r} is not a telephone number")
    clean = number.translate(_VISUAL)
    return f"tel:{clean}{semi}{params}", clean


def _number(target: str, domain: str | None, scheme: str) -> tuple[str, str]:
    if "+" in target[1:]:
        raise InvalidUri(f"{target!r}: a '+' may only start a number")
    number = "".join(c for c in target if c.isdigit() or c in "+*#")
    host = _need_domain(target, domain)
    return f"{scheme}:{number.replace('#', '%23')}@{host}", number


def _bare_user(target: str, domain: str | None, scheme: str) -> tuple[str, str]:
    if any(c.isspace() for c in target):
        raise InvalidUri(f"{target!r}: spaces are only allowed in phone numbers")
    if not _BARE_USER.fullmatch(target):
        raise InvalidUri(
            f"{target!r}: not a number, user or address; to dial a host type sip:{target}"
        )
    return f"{scheme}:{target}@{_need_domain(target, domain)}", target


def _need_domain(target: str, domain: str | None) -> str:
    if not domain:
        raise InvalidUri(
            f"{target!r}: no domain to dial it in; type user@host or use an account "
            "with a registrar"
        )
    host = domain.strip()
    try:
        _check_hostport(host, host)
    except InvalidUri:
        raise InvalidUri(f"the account's domain {domain!r} is not a valid host[:port]") from None
    return host


def rewrite_dialled(text: str, rules: CallRules) -> str:
    """``text`` after the account's dialling rules: only a typed number or user (no
    scheme, no ``@``, no name-addr) is rewritten; separators a number was typed with
    (spaces, dots, dashes, brackets) are dropped first; post-dial digits stay."""
    if not rules.dial_rules:
        return text
    raw = text.strip()
    if "@" in raw or "<" in raw or _SCHEME.match(raw):
        return text
    target, comma, post = raw.partition(",")
    target = target.strip()
    if _PHONE.fullmatch(target):
        target = target.translate(_VISUAL)
    done = rules.rewrite(target)
    if done == target:
        return text
    return done + comma + post
