"""OPTIONS pings via Account.sendRequest. Runs on the pjsip thread.

pjsua2 gives no per-request token here, so responses are matched to pings in
order per account; PjBackend sends one ping at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.backend import PingResult
from tuiphone.sip.errors import convert
from tuiphone.sip.uri import check_uri

if TYPE_CHECKING:
    from tuiphone.sip.account import PjAccount
    from tuiphone.sip.core import Core

Done = Callable[[PingResult | None, str], None]  # (result, error text)


class Pinger:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.pending: dict[str, list[tuple[float, Done]]] = {}

    def send(self, acc: PjAccount, uri: str, done: Done) -> None:
        """Send OPTIONS; ``done`` is called on this thread with the final response."""
        check_uri(self.core.stack.ep, uri)
        prm = pj.SendRequestParam()
        prm.method = "OPTIONS"
        prm.txOption.targetUri = uri
        queue = self.pending.setdefault(acc.config.id, [])
        queue.append((time.perf_counter(), done))
        try:
            acc.sendRequest(prm)
        except pj.Error as err:
            queue.pop()
            raise convert(err, f"OPTIONS {uri}") from None

    def on_response(self, acc: PjAccount, prm: pj.OnSendRequestParam) -> None:
        queue = self.pending.get(acc.config.id)
        if not queue:
            return
        sent, done = queue.pop(0)
        rtt = (time.perf_counter() - sent) * 1000
        try:
            tsx = prm.e.body.tsxState.tsx
            code, reason = int(tsx.statusCode), str(tsx.statusText)
        except Exception as err:
            done(None, f"no response: {err}")
            return
        done(PingResult(code, reason, rtt), "")

    def cancel(self, account_id: str) -> None:
        self.pending.pop(account_id, None)
