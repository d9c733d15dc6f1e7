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
from tuiphone.commands.hosting import config_for, owned_engine
from tuiphone.commands.output import print_error
from tuiphone.control import socket_path
from tuiphone.model.errors import TuiphoneError


async def serve(ns: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: None)
    try:
        async with owned_engine(config_for(ns)):
            print(f"tuiphone daemon: pid {os.getpid()}, control socket {socket_path()}",
                  file=sys.stderr, flush=True)
            await stop.wait()
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)
    return 0


def run_daemon(ns: argparse.Namespace) -> int:
    return asyncio.run(serve(ns))
