"""Read ``[[locations]]``: emergency location profiles and the rules that pick them."""

from __future__ import annotations

import ipaddress
import re

from tuiphone.config.reader import Reader, type_name
from tuiphone.model.location import CIVIC_ORDER, GeoPoint, LocationProfile, MatchRules

_ALIASES = {"street": "RD"}  # RFC 5139 RD is the road; A6 stays A6 (a group of streets)
_MAC = re.compile(r"(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")  # xs:language
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def parse_locations(root: Reader) -> tuple[LocationProfile, ...]:
    """Every valid profile in file order; duplicate names are errors."""
    profiles: list[LocationProfile] = []
    seen: set[str] = set()
    for reader in root.tables("locations"):
        profile = _profile(reader)
        if profile is None:
            continue
        if profile.name in seen:
            reader.error("name", f"duplicate location name {profile.name!r}")
            continue
        seen.add(profile.name)
        profiles.append(profile)
    return tuple(profiles)


def _profile(reader: Reader) -> LocationProfile | None:
    name = reader.required_text("name")
    if name is not None and not _NAME.fullmatch(name):
        reader.error("name", f"{name!r}: use letters, digits, '.', '_' and '-' only")
        name = None
    civic = _civic(reader)
    point = _point(reader)
    tried = any(reader.data.get(k) is not None for k in (*CIVIC_ORDER, *_ALIASES, "lat", "lon"))
    if civic and point is not None:
        reader.error("lat", "a location is a civic address or a point, not both")
    elif not civic and point is None and not tried:
        reader.error("name", "give a civic address (country, A1, RD, HNO, ...) or lat/lon")
    elif civic and "country" not in reader.data:
        reader.error("country", "a civic address needs country (ISO 3166 code, e.g. \"DE\")")
    profile = LocationProfile(
        name=name or "", civic=civic, point=point, lang=_lang(reader),
        match=_match(reader.table("match")),
        method=reader.text("method", "Manual"),
    )
    reader.finish()
    return profile if name and (civic or point) else None


def _lang(reader: Reader) -> str:
    value = reader.text("lang", "en")
    if not _LANG.fullmatch(value):
        reader.error("lang", f"{value!r} is not a language tag such as \"de\" or \"en-US\"")
        return "en"
    return value


def _civic(reader: Reader) -> tuple[tuple[str, str], ...]:
    values: dict[str, str] = {}
    for key in (*CIVIC_ORDER, *_ALIASES):
        value = reader.opt_text(key)
        if value is None:
            continue
        element = _ALIASES.get(key, key)
        if element in values:
            reader.error(key, f"{key} and {element} name the same field; give one")
            continue
        if not value.strip():
            reader.error(key, "must not be empty")
            continue
        values[element] = value.strip()
    country = values.get("country")
    if country is not None and not _COUNTRY.fullmatch(country):
        reader.error("country", f"{country!r} is not an ISO 3166 alpha-2 code such as \"DE\"")
        values.pop("country")
    return tuple((k, values[k]) for k in CIVIC_ORDER if k in values)


def _number(reader: Reader, key: str, low: float, high: float) -> float | None:
    value = reader.get(key)
    if value is None:
        return None
    if type(value) not in (int, float):
        reader.error(key, f"expected a number, got {type_name(value)}")
        return None
    if not low <= value <= high:
        reader.error(key, f"{value} is out of range {low:g}..{high:g}")
        return None
    return float(value)


def _point(reader: Reader) -> GeoPoint | None:
    lat = _number(reader, "lat", -90, 90)
    lon = _number(reader, "lon", -180, 180)
    radius = _number(reader, "radius", 0, 1e7)
    given = [k for k in ("lat", "lon") if reader.data.get(k) is not None]
    if len(given) == 1:
        missing = "lon" if given == ["lat"] else "lat"
        reader.error(given[0], f"a point needs both lat and lon ({missing} is missing)")
        return None
    if lat is None or lon is None:
        if radius is not None:
            reader.error("radius", "radius belongs to a point: give lat and lon")
        return None
    return GeoPoint(lat, lon, radius or 0.0)


def _match(reader: Reader) -> MatchRules:
    macs = tuple(m.lower().replace("-", ":") for m in reader.strings("gateway_mac"))
    for mac in macs:
        if not _MAC.fullmatch(mac):
            reader.error("gateway_mac", f"{mac!r} is not a MAC address like 02:00:5e:10:00:01")
    rules = MatchRules(
        gateway_macs=tuple(m for m in macs if _MAC.fullmatch(m)),
        subnets=_networks(reader, "subnet"),
        ssids=reader.strings("ssid"),
        public_addresses=_networks(reader, "public_address"),
    )
    reader.finish()
    return rules


def _networks(reader: Reader, key: str) -> tuple[str, ...]:
    found: list[str] = []
    for text in reader.strings(key):
        try:
            found.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            reader.error(key, f"{text!r} is not an address or a network like 198.18.5.0/24")
    return tuple(found)
