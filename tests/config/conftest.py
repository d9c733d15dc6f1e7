"""Helpers for the config tests: write a config file with a chosen mode."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tuiphone.config import AppConfig, load_config
from tuiphone.model.errors import ConfigError

WriteConfig = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    def write(text: str, mode: int = 0o600, name: str = "config.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        path.chmod(mode)
        return path

    return write


@pytest.fixture
def load_text(write_config: WriteConfig) -> Callable[..., AppConfig]:
    def load(text: str, mode: int = 0o600) -> AppConfig:
        return load_config(write_config(text, mode))

    return load


@pytest.fixture
def problems_of(write_config: WriteConfig) -> Callable[..., list[str]]:
    """The problems a config text produces (fails the test if it loads)."""

    def problems(text: str, mode: int = 0o600) -> list[str]:
        path = write_config(text, mode)
        with pytest.raises(ConfigError) as info:
            load_config(path)
        return [p.replace(str(path), "CFG") for p in info.value.problems]

    return problems
