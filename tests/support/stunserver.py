"""A tiny STUN server on loopback: answers RFC 5389 Binding requests (XOR-MAPPED-ADDRESS),
ignores classic RFC 3489 ones as coturn does, and counts both kinds."""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter

MAGIC = 0x2112A442


class StunServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.2)
        self.seen: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"

    def __enter__(self) -> StunServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(2048)
            except TimeoutError:
                continue
            except OSError:
                return
            if len(data) < 20 or struct.unpack_from("!H", data)[0] != 0x0001:
                continue
            if struct.unpack_from("!I", data, 4)[0] != MAGIC:
                self.seen["rfc3489"] += 1
                continue
            self.seen["rfc5389"] += 1
            self.sock.sendto(_success(data[8:20], peer), peer)


def _success(tid: bytes, peer: tuple[str, int]) -> bytes:
    address = struct.unpack("!I", socket.inet_aton(peer[0]))[0] ^ MAGIC
    attr = struct.pack("!HHBBHI", 0x0020, 8, 0, 1, peer[1] ^ (MAGIC >> 16), address)
    return struct.pack("!HHI", 0x0101, len(attr), MAGIC) + tid + attr
