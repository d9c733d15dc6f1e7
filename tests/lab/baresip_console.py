"""baresip's ``cons`` UI over TCP: the only place baresip 1.0 reports an incoming MESSAGE
(menu prints ``<peer>: "<body>"`` to the UIs; ctrl_tcp 1.0 has no message event).
A reader thread collects the text; waits are bounded and never sleep."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter

_LINE = re.compile(r'^\r?(sips?:\S+): "(.*)"$')


class Console:
    def __init__(self, port: int, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self._sock = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except ConnectionRefusedError:  # cons listens a few ms after exec
                if time.monotonic() > deadline:
                    raise
                threading.Event().wait(0.02)  # paces the retry; the connect is the condition
        self._sock.settimeout(None)
        self._text = ""
        self._changed = threading.Condition()
        threading.Thread(target=self._read, name="baresip-cons", daemon=True).start()

    def _read(self) -> None:
        while chunk := self._recv():
            with self._changed:
                self._text += chunk.decode("utf-8", errors="replace")
                self._changed.notify_all()

    def _recv(self) -> bytes:
        try:
            return self._sock.recv(65536)
        except OSError:
            return b""

    def bodies(self) -> Counter[str]:
        """Each MESSAGE body baresip printed so far, with how often."""
        with self._changed:
            lines = self._text.split("\n")
        return Counter(m.group(2) for line in lines if (m := _LINE.match(line)))

    def wait(self, enough: int, timeout_s: float = 30.0) -> Counter[str]:
        """Until ``enough`` messages were printed; raises TimeoutError."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while sum(self.bodies().values()) < enough:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"baresip printed {self.bodies()}, not {enough}")
                self._changed.wait(left)
        return self.bodies()

    def close(self) -> None:
        self._sock.close()
