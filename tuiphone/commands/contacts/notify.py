"""Tell a running engine (TUI or daemon) that the address books changed on disk."""

from __future__ import annotations

import asyncio
import contextlib


async def tell_engine(timeout_s: float = 3.0) -> bool:
    """Ask the engine on the control socket, if any, to reload its books. Best effort:
    without an engine (or with a stuck one) nothing happens; its folder watch would
    notice within seconds anyway. Returns whether an engine confirmed."""
    from tuiphone.control import RemotePhone, socket_path

    path = socket_path()
    if not path.exists():
        return False
    with contextlib.suppress(Exception):
        phone = await asyncio.wait_for(RemotePhone.connect(path), timeout_s)
        try:
            await asyncio.wait_for(phone.reload_contacts(), timeout_s)
            return True
        finally:
            await phone.close()
    return False
