"""``tuiphone open sip:…|sips:…|tel:…`` (a desktop's URI handler): the running engine
dials it; with none running, the TUI starts with it in the dialpad, to check first."""

from __future__ import annotations

import argparse
import asyncio

from tuiphone.cli.oneshot import INTERRUPTED
from tuiphone.commands.dial_link import dial_text
from tuiphone.commands.present import failed, run_on
from tuiphone.host.oneshot import running_engine
from tuiphone.model.errors import TuiphoneError


async def _dial(ns: argparse.Namespace) -> int | None:
    try:
        async with running_engine(ns) as phone:
            if phone is None:
                return None
            return await run_on(phone, ns.command, ns)
    except TuiphoneError as err:
        return failed(err, bool(getattr(ns, "json", False)))


def open_dial(ns: argparse.Namespace) -> int:
    try:
        text = dial_text(ns.link)
        code = asyncio.run(_dial(ns))
    except TuiphoneError as err:
        return failed(err, bool(getattr(ns, "json", False)))
    except KeyboardInterrupt:
        return INTERRUPTED
    if code is not None:
        return code
    from tuiphone.cli.frontends import run_tui

    return run_tui(ns, dial=text)
