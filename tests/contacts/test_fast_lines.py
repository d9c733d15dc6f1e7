"""The plain-data fast path gives exactly the tolerant reader's logical lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.contacts import corpus
from tests.contacts.test_fuzz import _JUNK, FUZZ
from tuiphone.contacts.vcard.card import Card, split_cards
from tuiphone.contacts.vcard.fastlines import fast_lines
from tuiphone.contacts.vcard.lines import line_tuples

SAMPLES = [v for k, v in vars(corpus).items() if k.isupper() and isinstance(v, bytes)]


def _variants(data: bytes) -> list[bytes]:
    lf = data.replace(b"\r\n", b"\n")
    return [data, lf, lf.replace(b"\n", b"\r\n"), data.rstrip(b"\r\n"), b"\r\n" + data]


def _same(data: bytes) -> bool:
    """True when the fast path took ``data`` (and agreed), False when it declined."""
    fast = fast_lines(data)
    if fast is not None:
        assert fast == list(line_tuples(data))
    return fast is not None


@pytest.mark.parametrize("data", SAMPLES)
def test_corpus_lines_match(data: bytes) -> None:
    for variant in _variants(data):
        _same(variant)


@pytest.mark.parametrize(
    ("data", "taken"),
    [
        (b"", True),
        (b"a\r\n\r\nb\r\n", True),
        (b"\r\n a\r\n\tb\r\n \r\n\t\r\n", True),
        (b"A:1\r\n \r\n x\r\nB:2", True),
        (b"a\nb\r\n", False),  # mixed endings
        (b"a\rb\r", False),
        (b"N;ENCODING=QUOTED-PRINTABLE:a=\r\nb\r\n", False),
        (b"N;ENCODING=QUOTED-PRINT\r\n ABLE:a=\r\nb\r\n", False),  # folded inside the word
        (b"PHOTO;ENCODING=b:QUJD\r\n RA==\r\nEND:VCARD\r\n", True),
    ],
)
def test_edge_cases(data: bytes, taken: bool) -> None:
    assert _same(data) is taken


@FUZZ
@given(_JUNK)
def test_random_bytes_match(data: bytes) -> None:
    _same(data)


_PLAIN = st.sampled_from([b"A:1", b" x", b"\t", b"", b"=", b"\xc3\xbc", b"E=QUOTED-PRINTABLE:"])


@FUZZ
@given(st.lists(_PLAIN, max_size=30))
def test_random_plain_lines_match(parts: list[bytes]) -> None:
    for nl in (b"\r\n", b"\n"):
        _same(nl.join(parts))
        _same(nl.join(parts) + nl)


def test_begin_and_end_behind_odd_whitespace_and_bom() -> None:
    data = b"\x0cbegin : vcard\r\nFN:A\r\n\xc2\xa0END:VCARD\r\nBDAY:x\r\n"
    data += b"\xef\xbb\xbfBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n"
    cards = [c for c in split_cards(data, "t") if isinstance(c, Card)]
    assert [(c.has_end, [p.name for p in c.props]) for c in cards] == [
        (True, ["FN"]),
        (True, ["FN"]),
    ]
