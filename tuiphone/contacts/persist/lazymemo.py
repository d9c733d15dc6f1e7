"""``to_e164`` through the stored memo, which is read only when first needed.

Index rows in the parse cache already hold the numbers of unchanged cards, so
a warm start whose cards did not change never reads the memo file at all.
"""

from __future__ import annotations

from tuiphone.contacts.numbers import to_e164
from tuiphone.contacts.persist.bookcache import BookCache
from tuiphone.contacts.persist.e164 import NumberMemo


class LazyMemo:
    """Call it like ``to_e164(text, region)``. Not thread-safe."""

    def __init__(self, disk: BookCache | None) -> None:
        """``disk`` None: no cache folder, plain ``to_e164``."""
        self._disk = disk
        self.memo: NumberMemo | None = None  # once read

    def __call__(self, text: str, region: str) -> str | None:
        if self._disk is None:
            return to_e164(text, region)
        if self.memo is None:
            self.memo = self._disk.load_memo()
        return self.memo(text, region)
