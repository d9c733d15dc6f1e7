"""Awkward vCards as bytes, one per real-world quirk, shared by the tests."""

from __future__ import annotations

import base64

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake-png-bytes").decode()
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0fake-jpeg").decode()

FOLD_IN_UTF8 = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\xc3\r\n \xbcrgen Schmidt\r\n"
    b"TEL:030 1234567\r\nEND:VCARD\r\n"
)

LATIN1 = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Müller\r\nN:Müller;Zoë;;;\r\nEND:VCARD\r\n".encode(
    "latin-1"
)

TRUNCATED = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\nTEL:+14155550100\r\n"

MISSING_END_FIRST = (
    b"BEGIN:VCARD\nVERSION:3.0\nFN:First\nTEL:111 222 3333\n"
    b"BEGIN:VCARD\nVERSION:3.0\nFN:Second\nTEL:444 555 6666\nEND:VCARD\n"
)

V21_QP = (
    b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
    b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BC=\r\nrgen;;;\r\n"
    b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BC=\r\nller\r\n"
    b"TEL;CELL;PREF:+49 170 1234567\r\nTEL;HOME;VOICE:030 7654321\r\n"
    b"PHOTO;JPEG;BASE64:\r\n " + JPEG[:12].encode() + b"\r\n " + JPEG[12:].encode() + b"\r\n\r\n"
    b"END:VCARD\r\n"
)

APPLE = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n"
    b"N:Appleseed;Johnny;;;\r\nFN:Johnny Appleseed\r\nORG:Apple;Engineering\r\n"
    b"item1.TEL;type=pref:(415) 555-0123\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n"
    b"item2.EMAIL;type=INTERNET:johnny@example.com\r\nitem2.X-ABLabel:Private\r\n"
    b"IMPP;X-SERVICE-TYPE=SIP;type=pref:sip:johnny@PBX.Example.com\r\n"
    b"item3.ADR;type=HOME:;;1 Infinite Loop;Cupertino;CA;95014;USA\r\n"
    b"item3.X-ABADR:us\r\n"
    b"PHOTO;ENCODING=b;TYPE=JPEG:" + JPEG.encode() + b"\r\n"
    b"X-ABUID:5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE:ABPerson\r\nEND:VCARD\r\n"
)

V4 = (
    b"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
    b"FN:Dr. Ada Lovelace\r\nN:Lovelace;Ada;;Dr.;\r\nGENDER:F;she/her\r\n"
    b'TEL;VALUE=uri;TYPE="cell,voice":tel:+44-20-7946-0018\r\n'
    b"BDAY:--1210\r\nREV:20240101T120000Z\r\nCATEGORIES:friends,math\\,logic\r\n"
    b"PHOTO:data:image/png;base64," + PNG.encode() + b"\r\n"
    b"X-CUSTOM;X-PARAM=keep:unknown property\r\nEND:VCARD\r\n"
)

LF_BOM_GARBAGE = (
    b"\xef\xbb\xbfbegin:vcard\nversion:3.0\nfn:Lower Case\ntel;type=work:+1 212 555 0199\n"
    b"this line is garbage\nend:vcard\nmore garbage after the card\n"
)

NO_FN = b"BEGIN:VCARD\r\nN:Nofn;Nina;;;\r\nNOTE:bad \\x escape and \\n newline\r\nEND:VCARD\r\n"

ANDROID = (
    b"BEGIN:VCARD\nVERSION:2.1\nN:Droid;Andy;;;\nFN:Andy Droid\nTEL;CELL:0151 2345678\n"
    b"X-SIP:andy@sip.example.net\nNOTE:" + b"long " * 40 + b"\nEND:VCARD\n"
)

BAD_PHOTO = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Photo\r\n"
    b"PHOTO;ENCODING=b;TYPE=JPEG:" + JPEG[:-3].encode() + b"\r\nEND:VCARD\r\n"
)

URL_PHOTO = (
    b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Remote Photo\r\n"
    b"PHOTO:https://example.com/p.jpg\r\nTEL:sip:remote@example.com\r\nEND:VCARD\r\n"
)

RADICALE_GENDER = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:G\r\nGENDER:F\\;she/her\r\nEND:VCARD\r\n"

CR_ONLY = b"BEGIN:VCARD\rVERSION:3.0\rFN:Old Mac\rTEL:555 123 4567\rEND:VCARD\r"

EMPTY_CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"
