"""A card as well-formed UTF-8 for export: what other programs can read.

Stored cards keep their bytes (mixed encodings, LF or CR endings, folds inside a
UTF-8 sequence, a missing END:VCARD) so that an edit touches only its lines. An
export stream is read by someone else, so each card is written anew from its
logical lines: decoded the way the reader decodes them, CHARSET dropped where the
bytes are now UTF-8, folded at 75 octets with CRLF, BEGIN and END in place.
Normalising a normalised card changes nothing.
"""

from __future__ import annotations

from tuiphone.contacts.vcard.card import Card
from tuiphone.contacts.vcard.lines import is_qp, line_tuples
from tuiphone.contacts.vcard.text import find_unquoted, split_quoted
from tuiphone.contacts.vcard.write import fold

CRLF = b"\r\n"


def normalised(card: Card) -> bytes:
    """``card`` as UTF-8 with CRLF line ends, folded, from BEGIN:VCARD to END:VCARD."""
    texts = [text for _start, _end, _lineno, text in line_tuples(card.raw)]
    body = texts[1:-1] if card.has_end else texts[1:]  # raw starts at BEGIN (ends at END)
    out = [b"BEGIN:VCARD" + CRLF]
    for text in body:
        if text.strip():
            out.append(_line(text))
    out.append(b"END:VCARD" + CRLF)
    return b"".join(out)


def _line(text: str) -> bytes:
    if is_qp(text.encode("utf-8")):
        # quoted-printable is ASCII already, and 2.1 readers expect "=" soft breaks,
        # not folds: one long line is what every reader takes
        return text.encode("utf-8") + CRLF
    return fold(_without_charset(text), CRLF)


def _without_charset(text: str) -> str:
    """A CHARSET parameter names the old bytes; the line is UTF-8 now."""
    colon = find_unquoted(text, ":")
    if colon <= 0 or "CHARSET" not in text[:colon].upper():
        return text
    head = split_quoted(text[:colon], ";")
    kept = [p for p in head[1:] if p.strip().upper().partition("=")[0] != "CHARSET"]
    return ";".join([head[0], *kept]) + text[colon:]
