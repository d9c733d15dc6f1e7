"""Where contacts come from: configured by the caller, one dataclass per kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tuiphone.contacts.dav.client import DavSettings


@dataclass(frozen=True, slots=True)
class VdirSource:
    """A folder of ``*.vcf`` files (khard/vdirsyncer layout); read and written."""

    id: str
    path: Path


@dataclass(frozen=True, slots=True)
class FileSource:
    """One ``.vcf`` file with any number of cards; read only (import it into a vdir)."""

    id: str
    path: Path


@dataclass(frozen=True, slots=True)
class CardDavSource:
    """A CardDAV book cached in ``cache_dir``; ``book_url`` '' = the first one found."""

    id: str
    settings: DavSettings
    cache_dir: Path
    book_url: str = ""


Source = VdirSource | FileSource | CardDavSource
