"""Configuration, paths and secrets. Cheap to import: no cryptography, no UI toolkits."""

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
