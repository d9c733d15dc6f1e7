"""Strings that pjsua2 hands over carry the network's bytes.

SWIG turns a C++ ``std::string`` into ``str`` by decoding UTF-8 with
``surrogateescape``: bytes that are not UTF-8 arrive as lone surrogates, which no
encoder, SQLite, JSON writer or terminal accepts. ``clean`` makes such a string
safe to show and store; ``wire_bytes`` gets the original bytes back. Pure functions.
"""

from __future__ import annotations


def wire_bytes(text: str) -> bytes:
    """The bytes behind a string from pjsua2, exactly as they arrived."""
    return text.encode("utf-8", "surrogateescape")


def clean(text: str) -> str:
    """``text`` with every byte that was not UTF-8 shown as U+FFFD."""
    if text.isascii():
        return text
    return wire_bytes(text).decode("utf-8", "replace")
