"""A vdir (one .vcf file per contact) written for a test."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_vdir(folder: Path, cards: Mapping[str, str]) -> Path:
    """Create ``folder`` holding ``cards`` (file name -> vCard text, written as UTF-8
    bytes exactly as given, CRLFs included); returns it."""
    folder.mkdir(parents=True)
    for name, text in cards.items():
        (folder / name).write_bytes(text.encode())
    return folder
