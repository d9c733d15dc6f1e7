"""OPTIONS pings via Account.sendRequest. Runs on the pjsip thread.

pjsua2 offers no per-request token here, so each OPTIONS carries an
``X-Tuiphone-Ping`` header that is read back from the transaction's request.
A ping keeps its account alive until pjsua reports the transaction's end:
deleting an account with a live request aborts the process in libDestroy.
"""

from __future__ import annotations

import itertools
import re
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
TOKEN_HEADER = "X-Tuiphone-Ping"
_TOKEN = re.compile(rf"^{TOKEN_HEADER}\s*:\s*(\S+)", re.I | re.M)


def _ignore(result: PingResult | None, error: str) -> None:
    return None


class Pinger:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.pending: dict[str, tuple[str, float, Done]] = {}  # token -> (account, sent, done)
        self._tokens = itertools.count(1)

    def send(self, acc: PjAccount, uri: str, done: Done) -> str:
        """Send OPTIONS; ``done`` runs on this thread with the final response. Returns a token."""
        check_uri(self.core.stack.ep, uri)
        token = f"p{next(self._tokens)}"
        prm = pj.SendRequestParam()
        prm.method = "OPTIONS"
        prm.txOption.targetUri = uri
        hdr = pj.SipHeader()
        hdr.hName, hdr.hValue = TOKEN_HEADER, token
        prm.txOption.headers.append(hdr)
        self.pending[token] = (acc.config.id, time.perf_counter(), done)
        try:
            acc.sendRequest(prm)
        except pj.Error as err:
            self.pending.pop(token, None)
            raise convert(err, f"OPTIONS {uri}") from None
        return token

    def on_response(self, acc: PjAccount, prm: pj.OnSendRequestParam) -> None:
        try:
            tsx = prm.e.body.tsxState.tsx
            code, reason = int(tsx.statusCode), str(tsx.statusText)
            m = _TOKEN.search(str(tsx.lastTx.wholeMsg))
        except Exception:
            return
        entry = self.pending.pop(m.group(1), None) if m else None
        if entry is None:
            return
        _, sent, done = entry
        rtt = (time.perf_counter() - sent) * 1000
        if code == 0 or (code in (408, 503) and rtt < 1):  # local failure, nothing came back
            done(None, f"{code} {reason}")
        else:
            done(PingResult(code, reason, rtt), "")
        self.core.account_idle(acc)

    def cancel(self, token: str) -> None:
        """Stop waiting for ``token`` (its transaction still runs to its end)."""
        entry = self.pending.get(token)
        if entry is not None:
            self.pending[token] = (entry[0], entry[1], _ignore)

    def busy(self, account_id: str) -> bool:
        return any(entry[0] == account_id for entry in self.pending.values())
