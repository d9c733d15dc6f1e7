"""Fixtures for the contacts tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def vdir(tmp_path: Path) -> Path:
    """An empty folder of our own (tmp_path also holds the isolated XDG dirs)."""
    folder = tmp_path / "vdir"
    folder.mkdir()
    return folder
