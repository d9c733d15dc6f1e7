"""Export writes well-formed UTF-8 vCards, and export → import → export loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.contacts import corpus
from tests.support.fuzz import fuzz
from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.editing import ensure_uid
from tuiphone.contacts.reader import parse_bytes
from tuiphone.contacts.vcard.normal import normalised

ALL = [corpus.FOLD_IN_UTF8, corpus.LATIN1, corpus.TRUNCATED, corpus.MISSING_END_FIRST,
       corpus.V21_QP, corpus.APPLE, corpus.V4, corpus.LF_BOM_GARBAGE, corpus.NO_FN,
       corpus.ANDROID, corpus.BAD_PHOTO, corpus.URL_PHOTO, corpus.RADICALE_GENDER,
       corpus.CR_ONLY]


def contacts(data: bytes) -> list[Contact]:
    return list(parse_bytes(data, Origin("t", "t.vcf")).contacts)


def export(data: bytes) -> bytes:
    return b"".join(normalised(c.card) for c in contacts(data))


def imported(stream: bytes) -> list[bytes]:
    """What ``contacts import`` writes: one file per card, a UID added where missing."""
    return [ensure_uid(c.card)[0].raw for c in contacts(stream)]


def without_added_uids(exported: bytes, before: bytes) -> bytes:
    """``exported`` minus the UID lines import added to cards that had none."""
    kept = set(before.split(b"\r\n"))
    lines = exported.split(b"\r\n")
    return b"\r\n".join(x for x in lines if not x.startswith(b"UID:") or x in kept)


def assert_well_formed(stream: bytes) -> None:
    stream.decode("utf-8")  # strict: raises on anything else
    assert b"\n" not in stream.replace(b"\r\n", b"")
    assert b"\r" not in stream.replace(b"\r\n", b"")
    result = parse_bytes(stream, Origin("t", "t.vcf"))
    assert not [w for w in result.warnings if "END:VCARD" in w.message]
    for line in stream.split(b"\r\n"):
        assert len(line) <= 75 or b"QUOTED-PRINTABLE" in line.upper(), line


def fields(c: Contact) -> tuple[object, ...]:
    return (c.fn, c.display_name, c.phones, c.emails, c.sips, c.photo())


@pytest.mark.parametrize("data", ALL)
def test_corpus_exports_well_formed_and_round_trips(data: bytes) -> None:
    first = export(data)
    assert_well_formed(first)
    assert [fields(c) for c in contacts(first)] == [fields(c) for c in contacts(data)]
    second = b"".join(export(card) for card in imported(first))
    assert without_added_uids(second, first) == first
    assert export(first) == first  # normalising twice changes nothing


def test_latin1_fold_and_missing_end_read_as_written() -> None:
    """The report's vdir: no U+FFFD where the names were, every card closed."""
    latin1 = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José García\r\nEND:VCARD\r\n".encode("latin-1")
    folded = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\xc3\r\n \xbcrgen M\xc3\xbc\r\n ller\r\n"
              b"END:VCARD\r\n")
    stream = export(latin1 + folded + corpus.MISSING_END_FIRST + corpus.TRUNCATED)
    assert_well_formed(stream)
    assert "\ufffd" not in stream.decode("utf-8")
    names = [c.fn for c in contacts(stream)]
    assert names == ["José García", "Jürgen Müller", "First", "Second", "Cut Off"]
    assert stream.count(b"END:VCARD\r\n") == 5


def test_charset_parameter_of_8bit_lines_is_dropped_not_of_quoted_printable() -> None:
    card = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:Zoë\r\n"
            "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;Zo=EB\r\n"
            "END:VCARD\r\n").encode("latin-1")
    out = export(card)
    assert b"FN:Zo\xc3\xab\r\n" in out
    assert b"N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;Zo=EB\r\n" in out
    (c,) = contacts(out)
    assert (c.fn, c.display_name) == ("Zoë", "Zoë")


_NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x1F600),
                min_size=1, max_size=40).filter(lambda s: s.strip() and s[0] not in " \t")
_VALUE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=90)


@st.composite
def vcard_files(draw: st.DrawFn) -> bytes:
    """A card the way real exports write them: any encoding a line can have, any line
    ending, folds anywhere (inside a UTF-8 sequence too), END sometimes missing."""
    newline = draw(st.sampled_from([b"\r\n", b"\n", b"\r"]))
    lines = [f"FN:{draw(_NAME)}", f"VERSION:{draw(st.sampled_from(['3.0', '4.0']))}"]
    lines += [f"TEL:{n}" for n in draw(st.lists(st.from_regex(r"\+?[0-9 ]{3,15}", fullmatch=True),
                                                max_size=2))]
    lines += [f"X-{k}:{v}" for k, v in draw(st.lists(
        st.tuples(st.sampled_from(["NOTE", "CUSTOM", "ABLABEL"]), _VALUE), max_size=3))]
    if draw(st.booleans()):
        lines.append(f"UID:{draw(st.uuids())}")
    out = [b"BEGIN:VCARD"]
    for line in draw(st.permutations(lines)):
        data = _encode(line, draw(st.sampled_from(["utf-8", "latin-1"])))
        cuts = sorted(set(draw(st.lists(st.integers(6, max(6, len(data) - 1)), max_size=3))))
        pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        out.append((newline + b" ").join(p for p in pieces if p))
    if draw(st.booleans()):
        out.append(b"END:VCARD")
    return newline.join(out) + newline


def _encode(line: str, encoding: str) -> bytes:
    try:
        return line.encode(encoding)
    except UnicodeEncodeError:
        return line.encode("utf-8")


@fuzz(150)
@given(st.lists(vcard_files(), min_size=1, max_size=4))
def test_export_import_export_is_lossless(cards: list[bytes]) -> None:
    source = b"".join(cards)
    first = export(source)
    assert_well_formed(first)
    assert [fields(c) for c in contacts(first)] == [fields(c) for c in contacts(source)]
    files = imported(first)
    second = b"".join(export(f) for f in files)
    assert without_added_uids(second, first) == first
    assert b"".join(export(f) for f in imported(second)) == second


def test_cli_export_then_import_into_an_empty_vdir(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """The steps of the report, through the real command line."""
    from tuiphone.cli.main import main

    book, fresh = tmp_path / "book", tmp_path / "fresh"
    book.mkdir()
    fresh.mkdir()
    (book / "jose.vcf").write_bytes(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jose\r\nFN:José García\r\nTEL:+34 600 000 001\r\n"
        "END:VCARD\r\n".encode("latin-1"))
    (book / "juergen.vcf").write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:juergen\r\nFN:J\xc3\r\n \xbcrgen M\xc3\xbcller\r\n"
        b"TEL:+49 30 1234567\r\nEND:VCARD\r\n")
    (book / "two.vcf").write_bytes(corpus.MISSING_END_FIRST.replace(b"END:VCARD\n", b""))
    source_cfg, fresh_cfg = tmp_path / "a.toml", tmp_path / "b.toml"
    source_cfg.write_text(f'[contacts]\nvdirs = ["{book}"]\n')
    fresh_cfg.write_text(f'[contacts]\nvdirs = ["{fresh}"]\n')
    assert main(["--config", str(source_cfg), "contacts", "export", "--format", "vcf"]) == 0
    all_vcf = tmp_path / "all.vcf"
    all_vcf.write_bytes(capsysbinary.readouterr().out)
    assert_well_formed(all_vcf.read_bytes())
    assert main(["--config", str(fresh_cfg), "contacts", "import", str(all_vcf)]) == 0
    capsysbinary.readouterr()
    written = b"".join(p.read_bytes() for p in sorted(fresh.glob("*.vcf")))
    assert "\ufffd" not in written.decode("utf-8")
    names = sorted(c.fn for p in fresh.glob("*.vcf") for c in contacts(p.read_bytes()))
    assert names == ["First", "José García", "Jürgen Müller", "Second"]
    assert main(["--config", str(fresh_cfg), "contacts", "export", "--format", "vcf"]) == 0
    again = capsysbinary.readouterr().out
    first = all_vcf.read_bytes()
    assert sorted(_cards(without_added_uids(again, first))) == sorted(_cards(first))


def _cards(stream: bytes) -> list[bytes]:
    return [c + b"END:VCARD\r\n" for c in stream.split(b"END:VCARD\r\n") if c]
