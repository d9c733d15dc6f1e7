"""Random ids for messages and receipts."""

from __future__ import annotations


def random_id(length: int = 12) -> str:
    """``length`` hex digits of a random UUID. ``uuid`` (with ``platform``, ~3 ms) loads
    on the first id made: a one-shot ``register`` never makes one."""
    import uuid

    return uuid.uuid4().hex[:length]
