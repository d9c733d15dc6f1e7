"""vdir folders (vdirsyncer/khard layout): one ``.vcf`` per contact.

Only names ending in ``.vcf`` are read, so other tools' temp files are ignored.
Every write is atomic (temp file in the same folder, fsync, rename).
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path

from tuiphone.contacts.contact import Contact
from tuiphone.contacts.errors import ConflictError, VdirError
from tuiphone.contacts.filecache import FileCache
from tuiphone.contacts.reader import ReadResult, read_file
from tuiphone.contacts.vcard.card import Card

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def vcf_files(folder: Path) -> list[Path]:
    """The ``*.vcf`` files of a folder, sorted; raises VdirError if it is unreadable."""
    return [folder / n for n in _vcf_names(folder)]


def _vcf_names(folder: Path) -> list[str]:
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".vcf"))
    except OSError as err:
        raise VdirError(f"{folder}: cannot list folder: {err.strerror}") from err
    return [n for n in names if not n.startswith(".")]


def read_vdir(folder: Path, book: str, cache: FileCache | None = None) -> ReadResult:
    """Every contact of every ``*.vcf`` in ``folder``; bad files/cards become warnings.
    With a ``cache``, files whose (mtime, size) did not change are not parsed again."""
    result = ReadResult()
    if cache is None:
        for path in vcf_files(folder):
            result.extend(read_file(path, book))
        return result
    base = os.path.join(folder, "")  # plain strings: a Path per file costs more than a hit
    return cache.read_all([base + name for name in _vcf_names(folder)], book)


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never half.
    ``durable=False`` skips the fsync: for bulk writes the caller makes durable at once
    (``os.sync``) before recording them."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise VdirError(f"{path}: cannot write: {err.strerror}") from err


def filename_for(uid: str) -> str:
    """``<uid>.vcf`` when the UID is a safe file name, else a fresh UUID name."""
    safe = _UNSAFE.sub("", uid)
    if safe and safe == uid and len(uid) < 200 and not uid.startswith("."):
        return f"{uid}.vcf"
    return f"{uuid.uuid4()}.vcf"


def create_file(folder: Path, uid: str, data: bytes) -> Path:
    """Write a new card as its own file; never overwrites an existing one."""
    path = folder / filename_for(uid)
    if path.exists():
        path = folder / f"{uuid.uuid4()}.vcf"
    atomic_write(path, data)
    return path


def splice(data: bytes, old: Card, new: bytes, where: str) -> bytes:
    """``data`` with ``old``'s bytes replaced by ``new``; ConflictError if ``data``
    no longer holds ``old`` where it was read (the file changed meanwhile)."""
    if data[old.offset : old.offset + len(old.raw)] != old.raw:
        raise ConflictError(f"{where}: changed on disk since it was read; reload first")
    return data[: old.offset] + new + data[old.offset + len(old.raw) :]


def replace_card(contact: Contact, new: Card) -> None:
    """Splice ``new`` over ``contact.card`` in its file; other cards there are kept.

    Raises ConflictError if the file changed on disk since the contact was read.
    """
    path = Path(contact.origin.path)
    atomic_write(path, splice(_read(path), contact.card, new.raw, str(path)))


def remove_card(contact: Contact) -> None:
    """Delete the contact's card: the whole file if it held only that card."""
    path = Path(contact.origin.path)
    rest = splice(_read(path), contact.card, b"", str(path))
    if b"BEGIN:VCARD" in rest.upper():
        atomic_write(path, rest)
        return
    try:
        path.unlink()
    except OSError as err:
        raise VdirError(f"{path}: cannot delete: {err.strerror}") from err


def read_bytes(path: Path) -> bytes:
    """The file's bytes; VdirError naming the file if it cannot be read."""
    return _read(path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise VdirError(f"{path}: cannot read: {err.strerror}") from err
