"""A client for baresip's ctrl_tcp module: netstring-framed JSON commands and events.

A reader thread collects every event and response; waits are bounded and never sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import queue
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]


def encode_netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode() + b":" + payload + b","


def decode_netstrings(buffer: bytearray) -> list[bytes]:
    """Pop every complete netstring off the front of ``buffer``."""
    out: list[bytes] = []
    while (colon := buffer.find(b":")) > 0:
        size = int(buffer[:colon])
        end = colon + 1 + size
        if len(buffer) < end + 1:
            break
        out.append(bytes(buffer[colon + 1 : end]))
        del buffer[: end + 1]
    return out


class CtrlClient:
    """Connected to ``127.0.0.1:port``. ``history`` holds every event seen so far.

    ``new_socket`` makes the unconnected TCP socket to use (e.g. one inside a lab
    namespace, whose own 127.0.0.1 baresip listens on).
    """

    def __init__(
        self,
        port: int,
        connect_timeout_s: float = 10.0,
        new_socket: Callable[[], socket.socket] | None = None,
    ) -> None:
        if new_socket is None:
            self._sock = socket.create_connection(("127.0.0.1", port), timeout=connect_timeout_s)
        else:
            self._sock = new_socket()
            self._sock.settimeout(connect_timeout_s)
            try:
                self._sock.connect(("127.0.0.1", port))
            except OSError:
                self._sock.close()
                raise
        self._sock.settimeout(None)
        self._inbox: queue.Queue[Event | None] = queue.Queue()
        self.history: list[Event] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_loop, name="ctrl_tcp", daemon=True)
        self._reader.start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._reader.join(5)

    def command(self, command: str, params: str = "", timeout_s: float = 10.0) -> Event:
        """Send a command and return its response (``ok`` may be False). Raises TimeoutError."""
        token = secrets.token_hex(4)
        body = {"command": command, "params": params, "token": token}
        self._sock.sendall(encode_netstring(json.dumps(body).encode()))
        return self.wait(lambda m: bool(m.get("response")) and m.get("token") == token, timeout_s)

    def wait_event(self, kind: str, timeout_s: float = 15.0) -> Event:
        """The next (or an already seen, unconsumed) event of ``type == kind``."""
        return self.wait(lambda m: bool(m.get("event")) and m.get("type") == kind, timeout_s)

    async def await_event(self, kind: str, timeout_s: float = 15.0) -> Event:
        """``wait_event`` off the event loop, so asyncio code (the engine) keeps running."""
        return await asyncio.to_thread(self.wait_event, kind, timeout_s)

    def events(self, kind: str) -> list[Event]:
        """Every event of ``type == kind`` received so far (consumed or not)."""
        with self._lock:
            return [m for m in self.history if m.get("event") and m.get("type") == kind]

    def wait(self, match: Callable[[Event], bool], timeout_s: float) -> Event:
        """First unconsumed message matching ``match``; consumes it. Raises TimeoutError."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            found = self._take_pending(match)
        while found is None:
            try:
                msg = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty as err:
                raise TimeoutError(f"baresip: no matching message in {timeout_s}s") from err
            if msg is None:
                raise ConnectionError("baresip closed the ctrl_tcp connection")
            with self._lock:
                found = self._take_pending(match)
        return found

    def _take_pending(self, match: Callable[[Event], bool]) -> Event | None:
        for msg in self.history:
            if not msg.get("_used") and match(msg):
                msg["_used"] = True
                return msg
        return None

    def _read_loop(self) -> None:
        buffer = bytearray()
        while True:
            try:
                chunk = self._sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                self._inbox.put(None)
                return
            buffer += chunk
            for raw in decode_netstrings(buffer):
                msg = json.loads(raw)
                with self._lock:
                    self.history.append(msg)
                self._inbox.put(msg)
