"""Thumbnails for image attachments: the optional ``<file-info type="thumbnail">`` of the
RCS FT-over-HTTP XML (RCC.07), a small JPEG uploaded beside the file.

The sender makes one (at most SIZE pixels a side) from an image it can read, encrypts
it with its own fresh key (same cipher as the file) and uploads it like the file; the
receiver fetches it (at most MAX_BYTES, checked to be an image) before the file, so
the chat shows a picture before the download. Pillow decodes; anything it cannot read
gives no thumbnail (a thumbnail is optional everywhere). Blocking: call in a thread.
"""

from __future__ import annotations

import io
from pathlib import Path

from tuiphone.files.crypto import FileKey, decrypt_stream, encrypt_file, new_material
from tuiphone.files.errors import BadFile
from tuiphone.model.files import Cipher

SIZE = 160  # pixels, the longer side
MAX_BYTES = 64 * 1024  # a received thumbnail larger than this is not fetched
MAX_SOURCE_PIXELS = 50_000_000  # an image larger than this gets no thumbnail
CONTENT_TYPE = "image/jpeg"


def make(path: Path) -> bytes | None:
    """A JPEG thumbnail of the image at ``path``; None when it is not one Pillow reads."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_SOURCE_PIXELS:
                return None
            image.draft("RGB", (SIZE, SIZE))  # JPEG: libjpeg scales down for free
            small = ImageOps.exif_transpose(image) or image
            small = small.convert("RGB")
            small.thumbnail((SIZE, SIZE))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=75, optimize=True)
    except Exception:  # noqa: BLE001 - not an image, or a broken/hostile one: no thumbnail
        return None
    data = out.getvalue()
    return data if len(data) <= MAX_BYTES else None


def seal(data: bytes, cipher: Cipher) -> tuple[bytes, FileKey]:
    """``data`` encrypted with a fresh key: the ciphertext and its key (with the tag)."""
    material = new_material(cipher)
    out = io.BytesIO()
    tag = encrypt_file(io.BytesIO(data), out, material)
    return out.getvalue(), FileKey("gcm", material, tag)


def cipher_of(key: FileKey) -> Cipher:
    """The cipher a file's key belongs to (Linphone's key material is 32 bytes)."""
    return Cipher.LINPHONE if len(key.material) == 24 + 8 else Cipher.AES256GCM


def opened(data: bytes, key: FileKey | None) -> bytes:
    """A received thumbnail's plaintext, checked to be an image Pillow reads. Raises
    BadFile (tag mismatch, not an image)."""
    out = io.BytesIO()
    decrypt_stream(iter([data]), out, key)
    plain = out.getvalue()
    from PIL import Image

    try:
        with Image.open(io.BytesIO(plain)) as image:
            if image.width * image.height > SIZE * SIZE * 16:
                raise BadFile(f"thumbnail of {image.width}x{image.height} pixels is too large")
            image.verify()
    except BadFile:
        raise
    except Exception as err:  # noqa: BLE001 - whatever Pillow raises for a bad image
        raise BadFile(f"thumbnail is not an image: {err}") from None
    return plain
