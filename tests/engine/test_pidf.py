"""PIDF-LO documents validate against the RFC 3863/4479/4119/5139/5491 schemas."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.support.pidflo import schema_errors
from tuiphone.engine.pidf import CA, DM, GML, GP, GS, build_pidf
from tuiphone.model.location import CIVIC_ORDER, GeoPoint, LocationProfile

CIVIC = LocationProfile(
    "hq",
    # given out of schema order on purpose: the builder must put them in order
    civic=(("ROOM", "301"), ("HNO", "12"), ("country", "DE"), ("NAM", "Example GmbH"),
           ("RD", "Hauptstraße"), ("FLR", "3"), ("A1", "Berlin"), ("PC", "10115"),
           ("A6", "Mitte"), ("A3", "Berlin")),
    lang="de",
)


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode())


def test_civic_address_validates_and_keeps_rfc5139_order():
    text = build_pidf(CIVIC, "sip:alice@example.com", "tuiphone-alice", when=0)
    assert schema_errors(text) == []
    address = parse(text).find(f".//{{{CA}}}civicAddress")
    assert address is not None
    names = [child.tag.split("}")[1] for child in address]
    assert names == sorted(names, key=CIVIC_ORDER.index)
    assert address.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert address.find(f"{{{CA}}}RD").text == "Hauptstraße"  # type: ignore[union-attr]


def test_rfc5491_shape_one_device_with_geopriv_usage_rules_method_timestamp():
    root = parse(build_pidf(CIVIC, "sip:alice@example.com", "tuiphone-alice", when=0))
    assert root.get("entity") == "sip:alice@example.com"
    [device] = list(root)
    assert device.tag == f"{{{DM}}}device"
    assert device.get("id") == "tuiphone-alice"
    geopriv = device.find(f"{{{GP}}}geopriv")
    assert [c.tag.split("}")[1] for c in geopriv] == ["location-info", "usage-rules", "method"]
    assert geopriv.find(f"{{{GP}}}method").text == "Manual"  # type: ignore[union-attr]
    assert device.find(f"{{{DM}}}deviceID").text.startswith("urn:uuid:")  # type: ignore[union-attr]
    assert device.find(f"{{{DM}}}timestamp").text == "1970-01-01T00:00:00Z"  # type: ignore[union-attr]


def test_point_and_circle_validate():
    point = build_pidf(LocationProfile("p", point=GeoPoint(52.52, 13.405)), "sip:a@b", "d")
    circle = build_pidf(LocationProfile("c", point=GeoPoint(-33.8688, 151.2093, 25.5)),
                        "sip:a@b", "d")
    assert schema_errors(point) == []
    assert schema_errors(circle) == []
    pos = parse(point).find(f".//{{{GML}}}Point/{{{GML}}}pos")
    assert pos is not None
    assert pos.text == "52.5200000 13.4050000"
    radius = parse(circle).find(f".//{{{GS}}}Circle/{{{GS}}}radius")
    assert radius is not None
    assert radius.text == "25.5"
    assert radius.get("uom") == "urn:ogc:def:uom:EPSG::9001"


def test_device_id_is_not_the_hardware_and_xml_id_is_valid():
    text = build_pidf(CIVIC, "sip:alice@example.com", "1:bad id", when=0)
    assert schema_errors(text) == []
    assert "mac:" not in text


@pytest.mark.parametrize("damage", [
    # the schemas are strict enough to catch what a builder could get wrong
    lambda t: t.replace("<ca:country>DE</ca:country>", "").replace(
        "<ca:A1>Berlin</ca:A1>", "<ca:A1>Berlin</ca:A1><ca:country>DE</ca:country>"),
    lambda t: t.replace("<ca:country>DE</ca:country>", "<ca:country>Germany</ca:country>"),
    lambda t: t.replace("<gp:usage-rules />", ""),
    lambda t: t.replace("<dm:deviceID>", "<dm:note>").replace("</dm:deviceID>", "</dm:note>"),
])
def test_schemas_reject_damaged_documents(damage):
    text = build_pidf(CIVIC, "sip:alice@example.com", "tuiphone-alice", when=0)
    assert schema_errors(text) == []
    assert schema_errors(damage(text)) != []
