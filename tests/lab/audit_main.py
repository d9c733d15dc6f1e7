"""``python tests/lab/audit_main.py ARGS``: tuiphone's CLI under a Python audit hook.

Every ``socket.connect``, ``socket.sendto``, ``socket.sendmsg`` and ``socket.getaddrinfo``
made from Python is appended as one JSON line to ``$TUIPHONE_AUDIT_LOG``. pjsua2's own
sockets are C code and raise no audit event: the network audit test sees those at the
packet level (nftables in a namespace) instead.
"""

from __future__ import annotations

import json
import os
import socket
import sys

_FD = os.open(os.environ["TUIPHONE_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
_ADDRESSED = ("socket.connect", "socket.sendto", "socket.sendmsg")


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event in _ADDRESSED:
        sock, address = args[0], args[1]
        family = sock.family if isinstance(sock, socket.socket) else None
        datagram = isinstance(sock, socket.socket) and sock.type == socket.SOCK_DGRAM
        record = {"event": event, "unix": family == socket.AF_UNIX, "datagram": datagram,
                  "host": address[0] if isinstance(address, tuple) else None}
    elif event == "socket.getaddrinfo":
        record = {"event": event, "host": args[0] if isinstance(args[0], str) else None}
    else:
        return
    os.write(_FD, (json.dumps(record) + "\n").encode())


if __name__ == "__main__":
    sys.addaudithook(_hook)
    from tuiphone.cli.main import main

    sys.exit(main(sys.argv[1:]))
