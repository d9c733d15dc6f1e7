"""What a file message describes, whichever format carried it."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.files.crypto import FileKey


@dataclass(frozen=True, slots=True)
class FileOffer:
    """One file to download: where, how big, what type, what name, and its key."""

    url: str
    size: int
    content_type: str
    filename: str
    key: FileKey | None = None  # None: not encrypted
    until: str = ""  # the server's expiry, when it says
    # a small picture of it (RCS FT-HTTP <file-info type="thumbnail">): url, size,
    # content type and key; its filename is empty
    thumbnail: FileOffer | None = None
