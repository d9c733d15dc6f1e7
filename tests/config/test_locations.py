"""``[[locations]]`` and the emergency keys of an account: values, and every problem as
``file:line: key: message``."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.config import AppConfig
from tuiphone.model.location import GeoPoint

Problems = Callable[..., list[str]]
Load = Callable[..., AppConfig]

GOOD = """\
[[accounts]]
id = "alice"
uri = "sip:alice@example.com"
region = "DE"
dial_prefix = "0"
emergency_numbers = ["5555", "*99#"]
location_url = "https://lis.example.com/loc/1"
[accounts.features]
location = true
location_in_register = true

[ui]
confirm_emergency = true

[[locations]]
name = "hq"
HNO = "12"
country = "DE"
street = "Hauptstraße"
FLR = "3"
ROOM = "301"
PC = "10115"
NAM = "Example GmbH"
A1 = "Berlin"
lang = "de"
[locations.match]
gateway_mac = "02-00-5E-00-53-01"
subnet = ["198.18.5.0/24", "2001:db8:5::/64"]
ssid = "Example Office"
public_address = "198.18.77.7"

[[locations]]
name = "field"
lat = 52
lon = 13.405
radius = 30
"""


def test_profiles_and_emergency_keys_load(load_text: Load) -> None:
    config = load_text(GOOD)
    hq, field = config.locations
    assert hq.civic == (("country", "DE"), ("A1", "Berlin"), ("RD", "Hauptstraße"),
                        ("HNO", "12"), ("FLR", "3"), ("NAM", "Example GmbH"), ("PC", "10115"),
                        ("ROOM", "301"))
    assert hq.lang == "de"
    assert hq.point is None
    assert hq.match.gateway_macs == ("02:00:5e:00:53:01",)
    assert hq.match.subnets == ("198.18.5.0/24", "2001:db8:5::/64")
    assert hq.match.ssids == ("Example Office",)
    assert hq.match.public_addresses == ("198.18.77.7/32",)
    assert field.point == GeoPoint(52.0, 13.405, 30.0)
    assert field.match.manual
    acc = config.accounts[0]
    assert (acc.region, acc.dial_prefix, acc.emergency_numbers) == ("DE", ("0",), ("5555", "*99#"))
    assert acc.location_url == "https://lis.example.com/loc/1"
    assert acc.features.location
    assert acc.features.location_in_register
    assert config.ui.confirm_emergency
    assert config.warnings == ()


ACCOUNT = '[[accounts]]\nid = "a"\nuri = "sip:a@x"\n'


def test_profile_problems_name_file_line_and_key(problems_of: Problems) -> None:
    text = ACCOUNT + """
[[locations]]
name = "a"
country = "Germany"
HNO = "1"

[[locations]]
name = "b"
lat = 91
lon = 13

[[locations]]
name = "c"
A3 = "Berlin"
lat = 52
lon = 13

[[locations]]
name = "d"
[locations.match]
gateway_mac = "02:00:5e"
subnet = "198.18.300.0/24"
sidd = "x"

[[locations]]
name = "a"
country = "DE"
street = "x"
RD = "y"
lang = "de DE"
"""
    assert problems_of(text) == [
        "CFG:7: locations[0].country: 'Germany' is not an ISO 3166 alpha-2 code such as \"DE\"",
        "CFG:12: locations[1].lat: 91 is out of range -90..90",
        "CFG:18: locations[2].lat: a location is a civic address or a point, not both",
        "CFG:22: locations[3].name: give a civic address (country, A1, RD, HNO, ...) or lat/lon",
        "CFG:24: locations[3].match.gateway_mac: '02:00:5e' is not a MAC address like "
        "02:00:5e:10:00:01",
        "CFG:25: locations[3].match.subnet: '198.18.300.0/24' is not an address or a network "
        "like 198.18.5.0/24",
        "CFG:26: locations[3].match.sidd: unknown key 'sidd' (did you mean 'ssid'?); valid "
        "keys: gateway_mac, public_address, ssid, subnet",
        "CFG:29: locations[4].name: duplicate location name 'a'",
        "CFG:31: locations[4].street: street and RD name the same field; give one",
        "CFG:33: locations[4].lang: 'de DE' is not a language tag such as \"de\" or \"en-US\"",
    ]


def test_account_emergency_key_problems(problems_of: Problems) -> None:
    text = ACCOUNT + ('region = "de"\ndial_prefix = "9a"\nlocation_url = "ftp://x"\n'
                      "[accounts.features]\nlocation_in_register = true\n")
    assert problems_of(text) == [
        "CFG:4: accounts[0].region: 'de' is not an ISO 3166 alpha-2 code such as \"DE\"",
        "CFG:5: accounts[0].dial_prefix: '9a': digits, '*', '#' and '+' only",
        "CFG:6: accounts[0].location_url: 'ftp://x': an http(s):, sip(s): or pres: URI "
        "(RFC 6442), without spaces or angle brackets",
        "CFG:8: accounts[0].features.location_in_register: needs location_url: the URL "
        "REGISTER points at (RFC 6442)",
    ]
