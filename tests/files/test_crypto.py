"""File encryption: both GCM formats round-trip, a changed byte or tag is refused,
Acrobits' CTR + CRC32 decrypts a blob made here per its documented format."""

from __future__ import annotations

import base64
import io
import json
import os
import zlib

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher as C
from cryptography.hazmat.primitives.ciphers import algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tuiphone.files import acrobits, fthttp, redact
from tuiphone.files.crypto import (
    FileKey,
    decrypt_stream,
    encrypt_file,
    new_material,
    pack,
    unpack,
)
from tuiphone.files.errors import BadFile
from tuiphone.files.offer import FileOffer
from tuiphone.model.files import Cipher

PLAIN = os.urandom(3 * 1024 * 1024 + 17)  # several chunks, not a multiple of 16


def _encrypt(scheme: Cipher) -> tuple[bytes, FileKey]:
    material = new_material(scheme)
    out = io.BytesIO()
    tag = encrypt_file(io.BytesIO(PLAIN), out, material)
    return out.getvalue(), FileKey("gcm", material, tag)


def _decrypt(cipher: bytes, key: FileKey) -> bytes:
    out = io.BytesIO()
    chunks = (cipher[i:i + 65536] for i in range(0, len(cipher), 65536))
    decrypt_stream(chunks, out, key)
    return out.getvalue()


@pytest.mark.parametrize("scheme", list(Cipher))
def test_gcm_round_trip_and_sizes(scheme):
    cipher, key = _encrypt(scheme)
    assert len(cipher) == len(PLAIN)  # the tag travels apart (file-authTag)
    assert len(key.material) == {Cipher.AES256GCM: 44, Cipher.LINPHONE: 32}[scheme]
    assert _decrypt(cipher, key) == PLAIN


def test_linphone_format_is_aes192_gcm_with_the_iv_in_the_key():
    """What liblinphone does: key[:24] is the AES-192 key, key[24:32] the 8-byte IV."""
    cipher, key = _encrypt(Cipher.LINPHONE)
    k, iv = key.material[:24], key.material[24:]
    assert AESGCM(k).decrypt(iv, cipher + key.tag, None) == PLAIN


def test_ours_is_aes256_gcm():
    cipher, key = _encrypt(Cipher.AES256GCM)
    k, iv = key.material[:32], key.material[32:]
    assert AESGCM(k).decrypt(iv, cipher + key.tag, None) == PLAIN


def test_fresh_key_each_time():
    assert new_material(Cipher.AES256GCM) != new_material(Cipher.AES256GCM)


@pytest.mark.parametrize("where", [0, len(PLAIN) // 2, len(PLAIN) - 1])
def test_a_changed_byte_is_refused(where):
    cipher, key = _encrypt(Cipher.AES256GCM)
    bad = bytearray(cipher)
    bad[where] ^= 1
    with pytest.raises(BadFile, match="altered"):
        _decrypt(bytes(bad), key)


def test_a_wrong_tag_or_no_tag_is_refused():
    cipher, key = _encrypt(Cipher.LINPHONE)
    with pytest.raises(BadFile, match="altered"):
        _decrypt(cipher, FileKey("gcm", key.material, bytes(16)))
    with pytest.raises(BadFile, match="no authentication tag"):
        _decrypt(cipher, FileKey("gcm", key.material, b""))


def test_a_key_of_unknown_length_is_refused():
    with pytest.raises(BadFile, match="fits no known format"):
        _decrypt(b"x", FileKey("gcm", os.urandom(40), os.urandom(16)))


def test_pack_unpack():
    for key in (FileKey("gcm", os.urandom(44), os.urandom(16)),
                FileKey("ctr", os.urandom(16), crc=0), FileKey("plain", b"", crc=None),
                FileKey("ctr", os.urandom(32), crc=0xFFFFFFFF)):
        assert unpack(pack(key)) == key


def _acrobits_blob(bits: int) -> tuple[bytes, str]:
    key = os.urandom(bits // 8)
    enc = C(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    cipher = enc.update(PLAIN) + enc.finalize()
    doc = {"body": "Nice pics", "attachments": [{
        "content-type": "image/jpeg", "content-url": "https://files.example/a.jpg",
        "content-size": len(PLAIN), "filename": "original.jpg", "encryption-key": key.hex(),
        "hash": str(zlib.crc32(PLAIN)), "preview": {"content-type": "image/jpeg",
                                                   "content": "AAAA"}}]}
    return cipher, json.dumps(doc)


@pytest.mark.parametrize("bits", [128, 192, 256])
def test_acrobits_json_decrypts_and_checks_the_crc(bits):
    cipher, text = _acrobits_blob(bits)
    parsed = acrobits.parse(text)
    assert parsed.body == "Nice pics"
    (offer,) = parsed.offers
    assert (offer.filename, offer.content_type, offer.size) == (
        "original.jpg", "image/jpeg", len(PLAIN))
    assert offer.key is not None
    assert offer.key.scheme == "ctr"
    assert _decrypt(cipher, offer.key) == PLAIN
    bad = bytearray(cipher)
    bad[100] ^= 0x80
    with pytest.raises(BadFile, match="CRC32"):
        _decrypt(bytes(bad), offer.key)


def test_acrobits_defaults_and_refusals():
    parsed = acrobits.parse('{"attachments": [{"content-url": "https://h/x"}]}')
    (offer,) = parsed.offers
    assert (offer.content_type, offer.filename, offer.key) == ("image/jpeg", "", None)
    for bad in ('{"attachments": []}', "not json", '{"attachments": [{"content-url": "file:/x"}]}',
                '{"attachments": [{"content-url": "https://h/x", "encryption-key": "zz"}]}',
                '{"attachments": [{"content-url": "https://h/x", "encryption-key": "00ff"}]}',
                '{"attachments": [{"content-url": "https://h/x", "hash": "abc"}]}'):
        with pytest.raises(BadFile):
            acrobits.parse(bad)


def test_fthttp_round_trip_carries_everything():
    key = FileKey("gcm", os.urandom(44), os.urandom(16))
    offer = FileOffer("https://h:8443/tmp/a&b.bin", 1234, "image/png", 'p<ho>to "1".png', key,
                      "2030-01-01T00:00:00Z")
    body = fthttp.build(offer)
    assert "application/octet-stream" not in body
    assert 'rcs:fthttp"' in body
    assert fthttp.parse(body) == offer


def test_fthttp_parses_the_flexisip_server_answer_and_linphone_namespaces():
    server = ('<?xml version="1.0" encoding="UTF-8"?><file xmlns="urn:gsma:params:xml:ns:'
              'rcs:rcs:fthttp">\n<file-info type="file">\n<file-size>1234</file-size>\n'
              "<file-name>filename.txt</file-name>\n<content-type>image/jpeg</content-type>\n"
              '<data url = "https://host:443/path/tmp/5f_a1.jpg" until = "2025-12-31T23:59:59Z"/>'
              "\n</file-info>\n</file>")
    offer = fthttp.parse(server)
    assert (offer.url, offer.size, offer.until, offer.key) == (
        "https://host:443/path/tmp/5f_a1.jpg", 1234, "2025-12-31T23:59:59Z", None)
    linphone = ('<?xml version="1.0" encoding="UTF-8"?><file xmlns="urn:gsma:params:xml:ns:'
                'rcs:rcs:fthttp" xmlns:am="urn:gsma:params:xml:ns:rcs:rcs:rram">'
                '<file-info type="thumbnail"><data url="https://h/thumb"/></file-info>'
                '<file-info type="file"><file-size>5</file-size><file-name>a.txt</file-name>'
                '<content-type>text/plain</content-type><data url="https://h/a"/>'
                f"<file-key>{'A' * 43}=</file-key><file-authTag>{'B' * 22}==</file-authTag>"
                "</file-info></file>")
    offer = fthttp.parse(linphone)
    assert offer.url == "https://h/a"
    assert offer.key is not None
    assert len(offer.key.material) == 32
    assert len(offer.key.tag) == 16


@pytest.mark.parametrize("body", [
    "<not xml", "<file/>", '<file><file-info type="file"><data url="ftp://x"/></file-info></file>',
    '<!DOCTYPE x [<!ENTITY a "b">]><file><file-info type="file"><data url="https://h/&a;"/>'
    "</file-info></file>",
    '<file><file-info type="file"><data url="https://h/x"/><file-key>!!</file-key></file-info>'
    "</file>",
])
def test_fthttp_refuses_unusable_descriptions(body):
    with pytest.raises(BadFile):
        fthttp.parse(body)


def test_hide_keys_leaves_nothing_of_a_key_in_a_trace():
    key = FileKey("gcm", os.urandom(44), os.urandom(16))
    body = fthttp.build(FileOffer("https://h/x", 1, "text/plain", "a", key))
    sip = ("MESSAGE sip:b@h SIP/2.0\r\nContent-Type: application/vnd.gsma.rcs-ft-http+xml"
           f"\r\n\r\n{body}")
    hidden = redact.hide_keys(sip)
    assert base64.b64encode(key.material).decode() not in hidden
    assert base64.b64encode(key.tag).decode() not in hidden
    assert "<file-key>[hidden]</file-key>" in hidden
    assert "https://h/x" in hidden
    acro = '{"attachments": [{"content-url": "https://h/y", "encryption-key": "00ff11"}]}'
    assert redact.hide_keys(acro) == acro.replace("00ff11", "[hidden]")
    assert redact.hide_keys("INVITE sip:x SIP/2.0") == "INVITE sip:x SIP/2.0"
