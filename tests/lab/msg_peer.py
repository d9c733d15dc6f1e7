"""A second tuiphone engine (Phone over pjsua2) in its own process, for chat fault tests:
one pjsua2 Endpoint per process, and a sender that can be killed with SIGKILL.

    python -m tests.lab.msg_peer HOST PORT USER DB [--send N --to URI --prefix P]

It registers USER at Kamailio HOST:PORT and prints one JSON line per event, flushed:
``{"registered": code}``, ``{"queued": body}`` once ``send_message`` returned (the
message is committed), ``{"status": state, "body": ...}``, ``{"received": body,
"id": ...}``, and ``{"idle": true}`` whenever its outbox is empty. It runs until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from tests.lab.kamailio import USERS
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.events import MessageReceived, MessageStatus, RegistrationChanged
from tuiphone.sip import PjBackend


def say(**item: object) -> None:
    sys.stdout.write(json.dumps(item) + "\n")
    sys.stdout.flush()


async def main(args: argparse.Namespace) -> None:
    account = AccountConfig(
        id=args.user, uri=f"sip:{args.user}@{args.host}", registrar=f"sip:{args.host}:{args.port}",
        proxy=(f"sip:{args.host}:{args.port};lr",), username=args.user, register_expires=60)
    setup = EngineSetup(accounts=(account,), passwords=USERS.get, echo_line=False,
                        db_path=Path(args.db), register_backoff_s=(0.5,),
                        message_backoff_s=(0.2,))
    phone = Phone(setup, PjBackend())
    events = phone.events()
    await phone.start()
    asyncio.ensure_future(report(phone, events))
    for n in range(args.send):
        body = f"{args.prefix}-{n}"
        await phone.send_message(args.to, body, account_id=args.user)
        say(queued=body)
    await asyncio.Event().wait()


async def report(phone: Phone, events: object) -> None:
    async for ev in events:  # type: ignore[attr-defined]
        if isinstance(ev, RegistrationChanged) and ev.account.reg_state is RegState.REGISTERED:
            say(registered=ev.account.code)
        elif isinstance(ev, MessageReceived):
            say(received=ev.message.body, id=ev.message.id)
        elif isinstance(ev, MessageStatus):
            say(status=ev.message.delivery.value, body=ev.message.body, code=ev.message.code)
            if not ev.message.delivery.pending and not await phone.messages(pending=True):
                say(idle=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for name in ("host", "port", "user", "db"):
        parser.add_argument(name)
    parser.add_argument("--send", type=int, default=0)
    parser.add_argument("--to", default="")
    parser.add_argument("--prefix", default="m")
    asyncio.run(main(parser.parse_args()))
