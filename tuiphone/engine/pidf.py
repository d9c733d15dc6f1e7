"""PIDF-LO documents (RFC 4119) in the shapes RFC 5491 asks for: one ``<dm:device>``
with one ``<gp:geopriv>``, a civic address (RFC 5139, schema order) or a point or
circle (GML / the PIDF-LO shapes schema)."""

from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET

from tuiphone.model.location import CIVIC_ORDER, GeoPoint, LocationProfile

PIDF = "urn:ietf:params:xml:ns:pidf"
DM = "urn:ietf:params:xml:ns:pidf:data-model"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
CA = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WGS84_2D = "urn:ogc:def:crs:EPSG::4326"
METRES = "urn:ogc:def:uom:EPSG::9001"
_PREFIXES = {"": PIDF, "dm": DM, "gp": GP, "ca": CA, "gml": GML, "gs": GS}


def build_pidf(profile: LocationProfile, entity: str, device_id: str,
               when: float | None = None) -> str:
    """The PIDF-LO of ``profile`` for presentity ``entity`` (our SIP URI), as text."""
    for prefix, uri in _PREFIXES.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(f"{{{PIDF}}}presence", {"entity": entity})
    device = ET.SubElement(root, f"{{{DM}}}device", {"id": _xml_id(device_id)})
    geopriv = ET.SubElement(device, f"{{{GP}}}geopriv")
    info = ET.SubElement(geopriv, f"{{{GP}}}location-info")
    if profile.point is not None:
        _shape(info, profile.point)
    else:
        _civic(info, profile)
    ET.SubElement(geopriv, f"{{{GP}}}usage-rules")
    ET.SubElement(geopriv, f"{{{GP}}}method").text = profile.method
    # RFC 4479 requires a deviceID; a name-based UUID of our URI says nothing about
    # the hardware (a MAC address would)
    device_uuid = uuid.uuid5(uuid.NAMESPACE_URL, entity)
    ET.SubElement(device, f"{{{DM}}}deviceID").text = f"urn:uuid:{device_uuid}"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if when is None else when))
    ET.SubElement(device, f"{{{DM}}}timestamp").text = stamp
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _civic(info: ET.Element, profile: LocationProfile) -> None:
    address = ET.SubElement(info, f"{{{CA}}}civicAddress", {XML_LANG: profile.lang})
    values = dict(profile.civic)
    for name in CIVIC_ORDER:  # an xs:sequence: the schema's order, whatever the config's
        if values.get(name):
            ET.SubElement(address, f"{{{CA}}}{name}").text = values[name]


def _shape(info: ET.Element, point: GeoPoint) -> None:
    if point.radius_m > 0:
        circle = ET.SubElement(info, f"{{{GS}}}Circle", {"srsName": WGS84_2D})
        ET.SubElement(circle, f"{{{GML}}}pos").text = _pos(point)
        ET.SubElement(circle, f"{{{GS}}}radius", {"uom": METRES}).text = f"{point.radius_m:g}"
    else:
        shape = ET.SubElement(info, f"{{{GML}}}Point", {"srsName": WGS84_2D})
        ET.SubElement(shape, f"{{{GML}}}pos").text = _pos(point)


def _pos(point: GeoPoint) -> str:
    return f"{point.lat:.7f} {point.lon:.7f}"  # EPSG 4326 order: latitude first


def _xml_id(text: str) -> str:
    """An xs:ID: starts with a letter or '_', no ':' or spaces."""
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in text)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"d{cleaned}"
