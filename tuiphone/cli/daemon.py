"""``tuiphone daemon``: the engine with no UI, serving the control socket.

SIGTERM and SIGINT stop it cleanly (unregister, hang up); SIGHUP is ignored so
calls and registration survive the terminal or SSH session that started it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.output import print_error
from tuiphone.host.claim import Role
from tuiphone.host.oneshot import config_for
from tuiphone.host.session import EngineHost
from tuiphone.model.errors import TuiphoneError


async def serve(ns: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: None)
    host = EngineHost(Role.DAEMON, lambda: config_for(ns))
    try:
        await host.open()
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)
    try:
        print(f"tuiphone daemon: pid {os.getpid()}, control socket {host.path}",
              file=sys.stderr, flush=True)
        await stop.wait()
    finally:
        await host.release()
    return 0


def run_daemon(ns: argparse.Namespace) -> int:
    return asyncio.run(serve(ns))
