"""Removing what attachments left behind (retention, ``data erase --peer``): the saved
file when it lies in the files folder (a file the user sent from elsewhere is theirs and
is never touched), a ciphertext still waiting for upload, a received thumbnail, and the
wrapped key."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from tuiphone.model.errors import TuiphoneError
from tuiphone.model.files import KeyVault
from tuiphone.store.attachments import Attachment

OUTGOING = ".outgoing"
THUMBNAILS = ".thumbnails"  # received thumbnails, <attachment id>.jpg


def remove_files(atts: Iterable[Attachment], folder: Path | None, vault: KeyVault | None
                 ) -> int:
    """Remove them; returns how many files went. Never raises for a missing file."""
    removed = 0
    for att in atts:
        candidates = []
        if folder is not None and att.key_ref:
            candidates.append(folder / OUTGOING / att.key_ref)
        if folder is not None and att.id:
            candidates.append(folder / THUMBNAILS / f"{att.id}.jpg")
        if folder is not None and att.local_path and _inside(Path(att.local_path), folder):
            candidates.append(Path(att.local_path))
        for path in candidates:
            with suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        if vault is not None and att.key_ref:
            with suppress(TuiphoneError):
                vault.delete(att.key_ref)
    return removed


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
