"""status, accounts: what the engine looks like right now."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.engine.api import PhoneApi
from tuiphone.model.codec import to_jsonable


async def status(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    state = phone.state()
    return {"engine": "attached" if phone.remote else "in-process", **to_jsonable(state)}


async def accounts(phone: PhoneApi, args: argparse.Namespace) -> list[Any]:
    return list(phone.state().accounts)
