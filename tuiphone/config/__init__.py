"""Configuration, paths and secrets. Cheap to import: no cryptography, no UI toolkits.

Names are loaded on first use, so that ``tuiphone.config.paths`` (which the control
socket's path needs) does not bring in the TOML loader and the schema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuiphone.config.embedded import default_config, example_config
    from tuiphone.config.loader import load_config, parse_config
    from tuiphone.config.schema import (
        AppConfig,
        CardDavConfig,
        ContactsConfig,
        EngineConfig,
        QuickDialEntry,
        SecretKind,
        SecretSpec,
        UiConfig,
    )
    from tuiphone.config.secrets import SecretError, resolve_secret

_WHERE = {
    "AppConfig": "tuiphone.config.schema",
    "CardDavConfig": "tuiphone.config.schema",
    "ContactsConfig": "tuiphone.config.schema",
    "EngineConfig": "tuiphone.config.schema",
    "QuickDialEntry": "tuiphone.config.schema",
    "SecretError": "tuiphone.config.secrets",
    "SecretKind": "tuiphone.config.schema",
    "SecretSpec": "tuiphone.config.schema",
    "UiConfig": "tuiphone.config.schema",
    "default_config": "tuiphone.config.embedded",
    "example_config": "tuiphone.config.embedded",
    "load_config": "tuiphone.config.loader",
    "parse_config": "tuiphone.config.loader",
    "resolve_secret": "tuiphone.config.secrets",
}

__all__ = [
    "AppConfig",
    "CardDavConfig",
    "ContactsConfig",
    "EngineConfig",
    "QuickDialEntry",
    "SecretError",
    "SecretKind",
    "SecretSpec",
    "UiConfig",
    "default_config",
    "example_config",
    "load_config",
    "parse_config",
    "resolve_secret",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'tuiphone.config' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
