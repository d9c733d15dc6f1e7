"""A scanner's INVITE flood, run as its own process inside a lab host (so it never
competes with the phone under test for one interpreter's lock):

    python flood.py SOURCE HOST PORT RATE COUNT

sends COUNT scanner-style INVITEs (``User-Agent: friendly-scanner``, a new extension
each) from SOURCE to HOST:PORT at RATE a second (in bursts of 100; 0: as fast as the
kernel takes them), then prints ``sent N``. Test addresses only."""

from __future__ import annotations

import socket
import sys
import time

TEMPLATE = (
    "INVITE sip:{n}@{host}:{port} SIP/2.0\r\n"
    "Via: SIP/2.0/UDP {src}:{local};branch=z9hG4bK{n}x\r\n"
    "Max-Forwards: 70\r\nFrom: <sip:100@{host}>;tag=f{n}\r\nTo: <sip:{n}@{host}>\r\n"
    "Call-ID: flood{n}\r\nCSeq: 1 INVITE\r\nUser-Agent: friendly-scanner\r\n"
    "Content-Length: 0\r\n\r\n"
)


def flood(src: str, host: str, port: int, rate: float, count: int) -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((src, 0))
    local = sock.getsockname()[1]
    start = time.monotonic()
    sent = 0
    with sock:
        while sent < count:
            if rate and sent % 100 == 0:  # pacing a burst, not synchronising anything
                time.sleep(max(0.0, start + sent / rate - time.monotonic()))
            data = TEMPLATE.format(n=sent, host=host, port=port, src=src, local=local)
            try:
                sock.sendto(data.encode(), (host, port))
            except BlockingIOError:
                continue
            sent += 1
    return sent


if __name__ == "__main__":
    source, target, port_, rate_, count_ = sys.argv[1:6]
    total = flood(source, target, int(port_), float(rate_), int(count_))
    print(f"sent {total}", flush=True)
