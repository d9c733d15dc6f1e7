"""Thumbnails of image attachments and the FT-HTTP XML that carries them, checked
against the format in notes/messaging-facts.md (RCC.07 <file-info type="thumbnail">
with file-size, content-type and data url/until; liblinphone reads only the first
<file-info type="file">)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tuiphone.files import fthttp, redact, thumbnail
from tuiphone.files.crypto import FileKey
from tuiphone.files.errors import BadFile
from tuiphone.files.offer import FileOffer
from tuiphone.model.files import Cipher

NS = "{urn:gsma:params:xml:ns:rcs:rcs:fthttp}"


def _image(path: Path, size: tuple[int, int] = (1200, 800)) -> Path:
    Image.new("RGB", size, (200, 40, 10)).save(path)
    return path


def test_a_thumbnail_is_a_small_jpeg_and_not_made_from_a_non_image(tmp_path):
    data = thumbnail.make(_image(tmp_path / "big.png"))
    assert data is not None
    assert len(data) <= thumbnail.MAX_BYTES
    with Image.open(io.BytesIO(data)) as img:
        assert (img.format, img.size) == ("JPEG", (160, 107))  # aspect kept
    (tmp_path / "notes.png").write_text("not a picture")
    assert thumbnail.make(tmp_path / "notes.png") is None
    assert thumbnail.make(tmp_path / "missing.png") is None


@pytest.mark.parametrize("cipher", list(Cipher))
def test_sealed_thumbnail_opens_and_a_tampered_one_is_refused(tmp_path, cipher):
    data = thumbnail.make(_image(tmp_path / "a.png"))
    assert data is not None
    sealed, key = thumbnail.seal(data, cipher)
    assert sealed != data
    assert thumbnail.cipher_of(key) is cipher
    assert thumbnail.opened(sealed, key) == data
    bad = bytes([sealed[0] ^ 1]) + sealed[1:]
    with pytest.raises(BadFile):
        thumbnail.opened(bad, key)
    with pytest.raises(BadFile, match="not an image"):
        thumbnail.opened(b"plain text", None)


def _offer() -> FileOffer:
    thumb = FileOffer("https://ft.example.com/t/1.jpg", 4321, "image/jpeg", "",
                      FileKey("gcm", b"k" * 32, b"t" * 16), "2026-12-31T23:59:59Z")
    return FileOffer("https://ft.example.com/f/2.jpg", 123456, "image/jpeg", "photo.jpg",
                     FileKey("gcm", b"K" * 32, b"T" * 16), thumbnail=thumb)


def test_the_xml_has_the_rcc07_thumbnail_before_the_file():
    from xml.etree import ElementTree as ET

    root = ET.fromstring(fthttp.build(_offer()))
    assert root.tag == f"{NS}file"
    infos = root.findall(f"{NS}file-info")
    assert [i.get("type") for i in infos] == ["thumbnail", "file"]
    thumb, file = infos
    assert thumb.findtext(f"{NS}file-size") == "4321"
    assert thumb.findtext(f"{NS}content-type") == "image/jpeg"
    data = thumb.find(f"{NS}data")
    assert data is not None
    assert (data.get("url"), data.get("until")) == ("https://ft.example.com/t/1.jpg",
                                                    "2026-12-31T23:59:59Z")
    assert thumb.find(f"{NS}file-name") is None  # RCC.07: a thumbnail has no name
    assert thumb.findtext(f"{NS}file-key")  # its own key, as for the file
    # what liblinphone reads: the first file-info of type "file", unchanged
    first_file = next(i for i in infos if i.get("type") == "file")
    assert first_file is file
    assert file.findtext(f"{NS}file-name") == "photo.jpg"
    assert fthttp.parse(fthttp.build(_offer())) == _offer()


def test_a_spec_style_thumbnail_is_read_and_a_broken_one_leaves_the_file():
    spec = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<file xmlns="urn:gsma:params:xml:ns:rcs:rcs:fthttp" '
            'xmlns:am="urn:gsma:params:xml:ns:rcs:rcs:rram">\n'
            '<file-info type="thumbnail"><file-size>7427</file-size>'
            '<content-type>image/jpeg</content-type>'
            '<data url = "https://h/t.jpg" until = "2026-12-31T23:59:59Z"/></file-info>\n'
            '<file-info type="file"><file-size>1234</file-size>'
            '<file-name>filename.txt</file-name><content-type>image/jpeg</content-type>'
            '<data url = "https://h/f.jpg" until = "2026-12-31T23:59:59Z"/></file-info>\n'
            '</file>')
    offer = fthttp.parse(spec)
    assert (offer.url, offer.size, offer.filename) == ("https://h/f.jpg", 1234, "filename.txt")
    assert offer.thumbnail is not None
    assert (offer.thumbnail.url, offer.thumbnail.size, offer.thumbnail.key) == (
        "https://h/t.jpg", 7427, None)
    for broken in ('url = "file:///etc/passwd"', 'url = "https://h/t.svg"'):
        text = spec.replace('url = "https://h/t.jpg"', broken)
        if "svg" in broken:
            text = text.replace("<content-type>image/jpeg</content-type><data url = "
                                '"https://h/t.svg"',
                                '<content-type>text/html</content-type><data url = '
                                '"https://h/t.svg"')
        kept = fthttp.parse(text)
        assert kept.url == "https://h/f.jpg"  # the file stays
        assert kept.thumbnail is None  # the unusable thumbnail is left out
    assert "[hidden]" in redact.hide_keys(fthttp.build(_offer()))
    assert "a2tr" not in redact.hide_keys(fthttp.build(_offer()))  # the thumbnail's key too


def test_removing_an_attachment_removes_its_received_thumbnail(tmp_path):
    from tuiphone.engine.file_cleanup import THUMBNAILS, remove_files
    from tuiphone.store.attachments import Attachment

    thumbs = tmp_path / THUMBNAILS
    thumbs.mkdir()
    (thumbs / "7.jpg").write_bytes(b"jpeg")
    (thumbs / "8.jpg").write_bytes(b"another's")
    att = Attachment("m1", "photo.jpg", 10, "image/jpeg", "https://h/f", id=7)
    assert remove_files([att], tmp_path, None) == 1
    assert [p.name for p in thumbs.iterdir()] == ["8.jpg"]
