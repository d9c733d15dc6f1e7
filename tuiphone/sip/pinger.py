"""OPTIONS pings via Account.sendRequest. Runs on the pjsip thread.

pjsua2 offers no per-request token here, so each OPTIONS carries an
``X-Tuiphone-Ping`` header that is read back from the transaction's request.
A ping keeps its account alive until pjsua reports the transaction's end:
deleting an account with a live request aborts the process in libDestroy.

Each ping has exactly one outcome. pjsua may end the transaction (transport
error) inside sendRequest and then raise as well; the report it already made wins.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.backend import PingResult
from tuiphone.model.errors import NetworkError, Timeout, TuiphoneError
from tuiphone.sip.errors import convert, pj_text, readable
from tuiphone.sip.uri import check_uri

if TYPE_CHECKING:
    from tuiphone.sip.account import PjAccount
    from tuiphone.sip.core import Core

Outcome = PingResult | TuiphoneError
Done = Callable[[Outcome], None]
TOKEN_HEADER = "X-Tuiphone-Ping"
_TOKEN = re.compile(rf"^{TOKEN_HEADER}\s*:\s*(\S+)", re.I | re.M)
log = logging.getLogger("tuiphone.sip")


def _ignore(outcome: Outcome) -> None:
    return None


@dataclass(slots=True)
class _Ping:
    account_id: str
    uri: str
    sent: float
    done: Done


def failure(uri: str, event: int, code: int, reason: str) -> TuiphoneError:
    """The error for a transaction that ended without a response from the network:
    pjsip's own timer (Timeout) or a transport failure (NetworkError)."""
    if event == pj.PJSIP_EVENT_TIMER:
        return Timeout(f"no answer to OPTIONS {uri} ({code} {reason})")
    return NetworkError(f"pinging {uri}: {readable(reason)}")


class Pinger:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.pending: dict[str, _Ping] = {}  # by token
        self._tokens = itertools.count(1)

    def send(self, acc: PjAccount, uri: str, done: Done) -> str:
        """Send OPTIONS; ``done`` runs once, on this thread, with the response or the
        error (NetworkError, Timeout). Returns a token. Raises InvalidUri, NetworkError
        when nothing was sent (then ``done`` never runs)."""
        check_uri(self.core.stack.ep, uri)
        token = f"p{next(self._tokens)}"
        prm = pj.SendRequestParam()
        prm.method = "OPTIONS"
        prm.txOption.targetUri = uri
        hdr = pj.SipHeader()
        hdr.hName, hdr.hValue = TOKEN_HEADER, token
        prm.txOption.headers.append(hdr)
        self.pending[token] = _Ping(acc.config.id, uri, time.perf_counter(), done)
        try:
            acc.sendRequest(prm)
        except pj.Error as err:
            if self.pending.pop(token, None) is None:  # on_response already ran ``done``
                log.debug("OPTIONS %s: already reported; also raised %s", uri, pj_text(err))
                return token
            raise convert(err, f"pinging {uri}") from None
        return token

    def on_response(self, acc: PjAccount, prm: pj.OnSendRequestParam) -> None:
        try:
            state = prm.e.body.tsxState
            tsx = state.tsx
            code, reason, event = int(tsx.statusCode), str(tsx.statusText), int(state.type)
            m = _TOKEN.search(str(tsx.lastTx.wholeMsg))
        except Exception:
            return
        ping = self.pending.pop(m.group(1), None) if m else None
        if ping is None:
            return
        if event == pj.PJSIP_EVENT_RX_MSG:  # a response came from the network
            ping.done(PingResult(code, reason, (time.perf_counter() - ping.sent) * 1000))
        else:  # pjsip made the final status itself (transport error, timer)
            ping.done(failure(ping.uri, event, code, reason))
        self.core.account_idle(acc)

    def cancel(self, token: str) -> None:
        """Stop waiting for ``token`` (its transaction still runs to its end)."""
        ping = self.pending.get(token)
        if ping is not None:
            ping.done = _ignore

    def busy(self, account_id: str) -> bool:
        return any(ping.account_id == account_id for ping in self.pending.values())
