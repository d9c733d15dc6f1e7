"""Small helpers shared by command handlers."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.engine.api import PhoneApi
from tuiphone.model.account import AccountState
from tuiphone.model.errors import NotFound


def opt(args: argparse.Namespace, name: str, default: Any = None) -> Any:
    """An argument that may be absent (global options are only set when given)."""
    return getattr(args, name, default)


def account_state(phone: PhoneApi, account_id: str | None) -> AccountState:
    """The named account's state, or the default account's. Raises NotFound."""
    state = phone.state()
    wanted = account_id or state.default_account
    for acc in state.accounts:
        if acc.id == wanted:
            return acc
    known = ", ".join(a.id for a in state.accounts) or "none"
    raise NotFound(f"no account {wanted!r} (known: {known})")
