"""Hrefs arrive escaped, unescaped or as absolute URLs; we key everything by the
unescaped path and escape it again when sending."""

from __future__ import annotations

import urllib.parse


def norm(href: str) -> str:
    """The unescaped path of an href or URL."""
    return urllib.parse.unquote(urllib.parse.urlsplit(href.strip()).path)


def quote(path: str) -> str:
    """A path safe to send (idempotent for already-normalised paths)."""
    return urllib.parse.quote(path, safe="/@:+!$&'()*,;=~")


def same_collection(a: str, b: str) -> bool:
    return norm(a).rstrip("/") == norm(b).rstrip("/")
