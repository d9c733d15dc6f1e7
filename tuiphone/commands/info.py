"""status, accounts: what the engine looks like right now."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.control.codec import to_jsonable
from tuiphone.engine.api import PhoneApi


def _engine_kind(phone: PhoneApi) -> str:
    from tuiphone.control.remote import RemotePhone

    return "attached" if isinstance(phone, RemotePhone) else "in-process"


async def status(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    state = phone.state()
    return {"engine": _engine_kind(phone), **to_jsonable(state)}


async def accounts(phone: PhoneApi, args: argparse.Namespace) -> list[Any]:
    return list(phone.state().accounts)
