"""The warm-start cache's file names, and deleting them (the privacy erase).

Kept free of heavy imports so a one-shot erase does not load phonenumbers.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

CACHE_SUFFIX = ".cache"  # one per contact source
NUMBERS_FILE = "numbers.json"  # the E.164 memo


def drop_cache(folder: Path) -> None:
    """Delete every cache file in ``folder`` (and leftover temp files); other
    files and the folder itself stay. Never raises."""
    try:
        paths = [p for p in folder.iterdir() if _ours(p.name)]
    except OSError:
        return
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _ours(name: str) -> bool:
    if name.startswith(".") and name.endswith(".tmp"):
        return True
    return name.endswith(CACHE_SUFFIX) or name == NUMBERS_FILE
