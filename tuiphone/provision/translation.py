"""What a provisioning response becomes, whatever its format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tuiphone.model.errors import ConfigError


class Unusable(ConfigError):
    """A response that cannot be used (exit 2): one line naming the problem."""

    def __init__(self, message: str) -> None:
        super().__init__([message])


@dataclass(slots=True)
class Translation:
    """One account from a response.

    ``account`` is an ``[[accounts]]`` table (config schema) without passwords;
    ``secrets`` maps a node (``password``, ``cloud_password``) to its value, for the
    secret store; ``nodes`` keeps every text node the provider sent (passwords out),
    for ``%account[NODE]%``; ``ignored`` the nodes tuiphone does not act on, with why.
    """

    account: dict[str, Any]
    locked: list[str] = field(default_factory=list)  # config keys
    locked_nodes: list[str] = field(default_factory=list)  # the XML nodes behind them
    secrets: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quickdial: list[dict[str, Any]] = field(default_factory=list)
    reprovision_url: str | None = None
    interval_s: int | None = None
    title: str | None = None
