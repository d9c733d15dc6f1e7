"""``blf_notify_to_lamp_p99_ms``: NOTIFY received -> LampChanged delivered on the engine
loop, through the real engine (Phone over PjBackend), while 200 lamps change at once.

Run by ``bench/blf_bench.py`` in its own process (one pjsua2 Endpoint per process):
``python bench/blf_notify.py PORT`` against the BLF Kamailio on PORT. carol watches
``user0..user199`` (QuickDial entries with ``blf = true``, ``features.blf`` on); one
burst of 200 raw dialog-event PUBLISHes (state confirmed) makes Kamailio NOTIFY every
lamp. "Received" is the SIP trace's time stamp of the NOTIFY (pjsip's log of the
parsed message, on the pjsip thread); "delivered" is when an ``events()`` subscriber
on the engine loop gets the BUSY lamp.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tuiphone.config.schema import QuickDialEntry  # noqa: E402
from tuiphone.engine.phone import Phone  # noqa: E402
from tuiphone.engine.setup import EngineSetup  # noqa: E402
from tuiphone.model.account import AccountConfig, Features  # noqa: E402
from tuiphone.model.events import LampChanged, SipTrace  # noqa: E402
from tuiphone.model.lamp import LampState  # noqa: E402

LAMPS = 200
WAIT_S = 60.0


def publish(port: int, me: int, user: str, n: int) -> bytes:
    uri = f"sip:{user}@127.0.0.1:{port}"
    body = (
        '<?xml version="1.0"?>\n'
        '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" '
        f'state="full" entity="{uri}">\n'
        f'<dialog id="d{n}" call-id="c{n}" local-tag="l{n}" remote-tag="r{n}" '
        'direction="initiator"><state>confirmed</state>'
        "<remote><identity>sip:peer@127.0.0.1</identity></remote></dialog>\n"
        "</dialog-info>\n"
    )
    head = (
        f"PUBLISH {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKpub{n}\r\n"
        f"Max-Forwards: 70\r\nFrom: <{uri}>;tag=pub{n}\r\nTo: <{uri}>\r\n"
        f"Call-ID: pub{n}-{time.time_ns()}\r\nCSeq: 1 PUBLISH\r\nEvent: dialog\r\n"
        "Expires: 300\r\nContent-Type: application/dialog-info+xml\r\n"
        f"Content-Length: {len(body.encode())}\r\n\r\n"
    )
    return (head + body).encode()


def notify_user(text: str) -> str | None:
    """The presentity user of a received NOTIFY (its From), else None."""
    if not text.startswith("NOTIFY ") or "confirmed" not in text:
        return None
    for line in text.splitlines():
        if line.lower().startswith(("from:", "f:")):
            return line.split("sip:", 1)[-1].split("@", 1)[0]
    return None


async def measure(port: int) -> list[float]:
    users = [f"user{i}" for i in range(LAMPS)]
    uris = {u: f"sip:{u}@127.0.0.1:{port}" for u in users}
    carol = AccountConfig(
        id="carol", uri=f"sip:carol@127.0.0.1:{port}", registrar=f"sip:127.0.0.1:{port}",
        proxy=(f"sip:127.0.0.1:{port};lr",), features=Features(blf=True),
    )
    quickdial = tuple(QuickDialEntry(label=u, uri=uris[u], blf=True) for u in users)
    phone = Phone(EngineSetup(accounts=(carol,), quickdial=quickdial, echo_line=False),
                  _backend())
    sub = phone.events()
    await phone.start()
    try:
        await _until(sub, lambda s: all(s.get(uris[u]) is LampState.IDLE for u in users))
        received: dict[str, float] = {}
        delivered: dict[str, float] = {}
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        me = sock.getsockname()[1]
        for n, user in enumerate(users):
            sock.sendto(publish(port, me, user, n), ("127.0.0.1", port))
        deadline = time.monotonic() + WAIT_S
        async for event in sub:
            now = time.time()
            if isinstance(event, SipTrace) and event.entry.direction == "rx":
                user = notify_user(event.entry.text)
                if user is not None and user not in delivered:
                    received[user] = event.entry.timestamp
            elif isinstance(event, LampChanged) and event.lamp.state is LampState.BUSY:
                delivered.setdefault(event.lamp.uri.split(":", 1)[1].split("@", 1)[0], now)
            if len(delivered) == LAMPS or time.monotonic() > deadline:
                break
        sock.close()
        return sorted(1000 * (delivered[u] - received[u]) for u in delivered if u in received)
    finally:
        await phone.stop()


def _backend():  # type: ignore[no-untyped-def]
    from tuiphone.sip import PjBackend

    return PjBackend()


async def _until(sub, done) -> None:  # type: ignore[no-untyped-def]
    states: dict[str, LampState] = {}
    async with asyncio.timeout(WAIT_S):
        async for event in sub:
            if isinstance(event, LampChanged):
                states[event.lamp.uri] = event.lamp.state
                if done(states):
                    return


def main() -> int:
    deltas = asyncio.run(measure(int(sys.argv[1])))
    if len(deltas) < LAMPS:
        print(json.dumps({"error": f"only {len(deltas)} of {LAMPS} lamps measured"}))
    if not deltas:
        return 1
    p99 = deltas[min(len(deltas) - 1, int(round(0.99 * len(deltas))) - 1)]
    row = {"name": "blf_notify_to_lamp_p99_ms", "value": round(p99, 3), "unit": "ms",
           "p50_ms": round(deltas[len(deltas) // 2], 3), "max_ms": round(deltas[-1], 3),
           "lamps": len(deltas), "target_ms": 50}
    print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
