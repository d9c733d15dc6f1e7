"""Location profiles for emergency calls (RFC 6442, PIDF-LO) and what chose one."""

from __future__ import annotations

from dataclasses import dataclass, field

# RFC 5139 civicAddress elements in schema order (an xs:sequence: order matters).
CIVIC_ORDER = (
    "country", "A1", "A2", "A3", "A4", "A5", "A6", "PRM", "PRD", "RD", "STS", "POD", "POM",
    "RDSEC", "RDBR", "RDSUBBR", "HNO", "HNS", "LMK", "LOC", "FLR", "NAM", "PC", "BLD", "UNIT",
    "ROOM", "SEAT", "PLC", "PCN", "POBOX", "ADDCODE",
)


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """WGS 84 latitude/longitude in degrees; ``radius_m`` > 0 makes it a circle."""

    lat: float
    lon: float
    radius_m: float = 0.0


@dataclass(frozen=True, slots=True)
class MatchRules:
    """When a profile applies: any rule that holds picks it. None at all: by hand only."""

    gateway_macs: tuple[str, ...] = ()  # lower case, colon separated
    subnets: tuple[str, ...] = ()  # CIDR; one of our addresses lies in it
    ssids: tuple[str, ...] = ()
    public_addresses: tuple[str, ...] = ()  # address or CIDR the registrar saw us from

    @property
    def manual(self) -> bool:
        return not (self.gateway_macs or self.subnets or self.ssids or self.public_addresses)


@dataclass(frozen=True, slots=True)
class LocationProfile:
    """One ``[[locations]]`` table: a civic address (RFC 5139 element, value pairs in
    schema order) or a point, and the rules that pick it."""

    name: str
    civic: tuple[tuple[str, str], ...] = ()
    point: GeoPoint | None = None
    lang: str = "en"
    match: MatchRules = field(default_factory=MatchRules)
    method: str = "Manual"  # RFC 4119 <gp:method>: how the location was determined


@dataclass(frozen=True, slots=True)
class NetworkFacts:
    """What tuiphone observed of the network it is on (no packets sent for it)."""

    gateway: str = ""
    gateway_mac: str = ""
    addresses: tuple[str, ...] = ()  # our addresses with prefix, "198.18.5.2/24"
    ssids: tuple[str, ...] = ()
    public_addresses: tuple[str, ...] = ()  # Via received= of the registrars' answers


@dataclass(frozen=True, slots=True)
class LocationChoice:
    """The profile an emergency call would carry now, and why. ``profile`` None: no
    profile applies (or location is off), the call goes out without location."""

    profile: LocationProfile | None
    rule: str  # "override", "gateway_mac", "ssid", "public_address", "subnet", "none", "off"
    detail: str  # the observed value that matched, or why nothing did
    facts: NetworkFacts = field(default_factory=NetworkFacts)
    account_id: str = ""
    enabled: bool = True  # the account's features.location
    pidf: str = ""  # the PIDF-LO that would be sent (its timestamp is now)


@dataclass(frozen=True, slots=True)
class InvitePreview:
    """``call --dry-run``: the INVITE as far as it is known before pjsua builds it.
    ``pending`` names what only the stack fills in at send time."""

    text: str
    emergency: bool
    location: LocationChoice | None = None
    pending: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LocationUse:
    """One location sent (or not) on an emergency call: kept for ``data export``."""

    call_id: str
    account_id: str
    number: str
    profile: str  # "" when the call went out without location
    rule: str
    detail: str
    sent: float  # epoch seconds
