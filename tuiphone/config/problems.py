"""Collect every problem in a config file, each formatted ``file:line: key: message``."""

from __future__ import annotations

from tuiphone.config.keypath import KeyPath, format_path
from tuiphone.config.locator import Locator
from tuiphone.model.errors import ConfigError


class Problems:
    """Errors and warnings found while reading one TOML text named ``source``."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self._locator = Locator(text)
        self._errors: list[tuple[int, str]] = []
        self._warnings: list[tuple[int, str]] = []

    @property
    def errors(self) -> list[str]:
        """Every error so far, in file order."""
        return [text for _, text in sorted(self._errors, key=lambda item: item[0])]

    @property
    def warnings(self) -> list[str]:
        return [text for _, text in sorted(self._warnings, key=lambda item: item[0])]

    def error(self, path: KeyPath, message: str) -> None:
        self._errors.append((self.line_of(path), self.format(path, message)))

    def warn(self, path: KeyPath, message: str) -> None:
        self._warnings.append((self.line_of(path), self.format(path, message)))

    def line_of(self, path: KeyPath) -> int:
        return self._locator.line_of(path) or 1

    def format(self, path: KeyPath, message: str) -> str:
        where = f"{self.source}:{self.line_of(path)}"
        return f"{where}: {format_path(path)}: {message}" if path else f"{where}: {message}"

    def raise_if_any(self) -> None:
        """Raise one ConfigError listing every error found so far."""
        if self._errors:
            raise ConfigError(self.errors)
