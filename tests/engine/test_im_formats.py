"""CPIM, IMDN, is-composing and long-text parts: build, parse, and refuse bad input."""

from __future__ import annotations

import pytest

from tuiphone.engine import cpim, imdn, iscomposing
from tuiphone.engine.parts import PartJoiner
from tuiphone.model import longtext
from tuiphone.model.message import Delivery, Message

# As Linphone 5.1 sends a text message with receipts asked (its NS prefix, its order).
LINPHONE_CPIM = (
    "From: <sip:bob@lab.test>\r\nTo: <sip:alice@lab.test>\r\n"
    "DateTime: 2026-12-04T18:00:00Z\r\nNS: imdn <urn:ietf:params:imdn>\r\n"
    "imdn.Message-ID: Xa1B2c3\r\nimdn.Disposition-Notification: positive-delivery, display\r\n"
    "\r\nContent-Type: text/plain;charset=UTF-8\r\n\r\nhéllo\r\nworld"
)


def test_cpim_round_trip_keeps_the_body_and_imdn_headers():
    body = "line one\nline two\r\n☃ 😀"
    text = cpim.build("sip:a@x.test", "sip:b@x.test", "text/plain;charset=UTF-8", body,
                      {"Message-ID": "m1", "Disposition-Notification": imdn.ASK}, now=0)
    env = cpim.parse(text)
    assert env.body == body
    assert env.content_type == "text/plain"
    assert env.get("imdn.Message-ID") == "m1"
    assert imdn.wants(env.get("imdn.disposition-notification")) == {"positive-delivery",
                                                                     "display"}
    assert env.get("DateTime") == "1970-01-01T00:00:00Z"
    assert not env.truncated


def test_cpim_from_linphone_is_read():
    env = cpim.parse(LINPHONE_CPIM)
    assert env.body == "héllo\r\nworld"
    assert env.get("imdn.message-id") == "Xa1B2c3"


def test_cpim_namespace_prefix_is_resolved_whatever_its_name():
    text = ("From: <sip:b@x>\r\nNS: foo <urn:ietf:params:imdn>\r\nfoo.Message-ID: q9\r\n"
            "\r\nContent-Type: text/plain\r\n\r\nhi")
    assert cpim.parse(text).get("imdn.message-id") == "q9"


def test_cpim_shorter_than_its_content_length_is_flagged_truncated():
    text = "From: <sip:b@x>\r\n\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\nhi"
    env = cpim.parse(text)
    assert env.truncated
    assert env.body == "hi"


@pytest.mark.parametrize(("bad", "why"), [
    ("just text", "no blank line"),
    ("From: <sip:b@x>\r\n\r\n", "no content headers"),
    ("From <sip:b@x>\r\n\r\nContent-Type: text/plain\r\n\r\nx", "not 'Name: value'"),
    ("NS: imdn urn:x\r\n\r\nContent-Type: text/plain\r\n\r\nx", "NS header"),
    ("From: <sip:b@x>\r\n\r\nContent-Type: nonsense\r\n\r\nx", "not type/subtype"),
])
def test_malformed_cpim_is_refused_with_one_clear_line(bad, why):
    with pytest.raises(cpim.CpimError, match=why) as info:
        cpim.parse(bad)
    assert "\n" not in str(info.value)


def test_imdn_round_trip():
    for kind, status in (("delivery", "delivered"), ("display", "displayed")):
        note = imdn.parse(imdn.build("id<&>1", kind, status))
        assert (note.message_id, note.kind, note.status) == ("id<&>1", kind, status)
        assert note.positive


def test_imdn_as_linphone_writes_it():
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<imdn xmlns="urn:ietf:params:xml:ns:imdn">'
           "<message-id>Xa1B2c3</message-id><datetime>2026-12-04T18:00:01Z</datetime>"
           "<delivery-notification><status><delivered/></status></delivery-notification>"
           "</imdn>")
    assert imdn.parse(xml) == imdn.Notification("Xa1B2c3", "delivery", "delivered")


@pytest.mark.parametrize(("bad", "why"), [
    ("<imdn", "not well-formed"),
    ("<other/>", "not <imdn>"),
    ('<imdn xmlns="urn:ietf:params:xml:ns:imdn"><delivery-notification><status><delivered/>'
     "</status></delivery-notification></imdn>", "no <message-id>"),
    ('<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>a</message-id></imdn>',
     "neither a delivery nor a display"),
    ('<!DOCTYPE x [<!ENTITY a "aaaa">]><imdn>&a;</imdn>', "DOCTYPE"),
    ("<imdn>" + "x" * 9000 + "</imdn>", "over 8192 bytes"),
])
def test_malformed_imdn_is_refused(bad, why):
    with pytest.raises(imdn.ImdnError, match=why):
        imdn.parse(bad)


def test_iscomposing_parse_and_refusals():
    xml = ('<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">'
           "<state>active</state><contenttype>text/plain</contenttype><refresh>90</refresh>"
           "</isComposing>")
    assert iscomposing.parse(xml) == iscomposing.Composing(True, 90)
    assert not iscomposing.parse(xml.replace("active", "idle")).active
    with pytest.raises(iscomposing.ComposingError, match="neither active nor idle"):
        iscomposing.parse(xml.replace("active", "sleepy"))
    with pytest.raises(iscomposing.ComposingError, match="not well-formed"):
        iscomposing.parse("<isComposing>")


def test_long_text_splits_within_the_safe_size_and_joins_back():
    text = ("Ünïcödé wörds and 😀 emoji " * 400)[:9000]
    bodies = longtext.split(text)
    assert len(bodies) == longtext.part_count(text) > 1
    assert all(len(b.encode("utf-8")) <= longtext.SAFE_BYTES for b in bodies)
    assert bodies[0].startswith(f"(1/{len(bodies)}) ")
    tags = [longtext.PartTag(i, len(bodies), "g1") for i in range(1, len(bodies) + 1)]
    assert "".join(longtext.strip_prefix(b, t) for b, t in zip(bodies, tags, strict=False)) == text
    assert longtext.split("short") == ["short"]


def test_long_text_without_spaces_is_cut_at_character_boundaries():
    text = "😀" * 2000  # 8000 bytes, no place to break nicely
    bodies = longtext.split(text)
    assert all(len(b.encode("utf-8")) <= longtext.SAFE_BYTES for b in bodies)
    assert "".join(b.split(") ", 1)[1] for b in bodies) == text


@pytest.mark.parametrize(("value", "ok"), [
    ("2/3; id=abc", True), (" 1/2;id=a.b-c ", True), ("0/3; id=a", False),
    ("4/3; id=a", False), ("1/1; id=a", False), ("1/99; id=a", False),
    ("1/3", False), ("1/3; id=../x", False), ("x/y; id=a", False),
])
def test_part_header_parse(value, ok):
    assert (longtext.parse_header(value) is not None) is ok


def _part(i: int, n: int, text: str) -> Message:
    return Message(f"sip-{i}", "a", "in", "sip:bob@x.test", f"({i}/{n}) {text}", "text/plain",
                   1.0, Delivery.RECEIVED)


def test_parts_join_in_any_order_and_a_repeat_gives_the_same_id():
    joiner = PartJoiner()
    tag = lambda i: longtext.PartTag(i, 3, "g")  # noqa: E731
    assert joiner.add(_part(3, 3, "c"), tag(3), 0.0, "bob@x.test") is None
    assert joiner.add(_part(1, 3, "a"), tag(1), 0.0, "bob@x.test") is None
    whole = joiner.add(_part(2, 3, "b"), tag(2), 0.0, "bob@x.test")
    assert whole is not None
    assert whole.body == "abc"
    assert not whole.truncated
    again = [joiner.add(_part(i, 3, "x"), tag(i), 1.0, "bob@x.test") for i in (1, 2, 3)]
    assert again[-1] is not None
    assert again[-1].id == whole.id


def test_missing_parts_give_a_truncated_message_naming_them():
    joiner = PartJoiner()
    joiner.add(_part(1, 3, "a"), longtext.PartTag(1, 3, "g"), 0.0, "bob@x.test")
    assert joiner.expired(10.0) == []
    [partial] = joiner.expired(1000.0)
    assert partial.truncated
    assert partial.body == "a[… part 2/3 missing …][… part 3/3 missing …]"
