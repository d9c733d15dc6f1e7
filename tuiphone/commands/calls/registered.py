"""Before a test call: the calling account's registration, waited for.

A private engine starts registering as the command starts; without this wait its
INVITE raced the REGISTER, and a trunk that takes calls only from registered
contacts refused it. ``call --no-register`` skips the wait (a trunk that needs none).
"""

from __future__ import annotations

import time

from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.engine.registration import failure_error
from tuiphone.model.account import AccountState, RegState
from tuiphone.model.errors import Timeout
from tuiphone.model.events import Event, RegistrationChanged

_SETTLED = (RegState.REGISTERED, RegState.FAILED)


async def wait_registered(phone: PhoneApi, feed: EventFeed, account_id: str | None,
                          timeout_s: float | None) -> float:
    """Milliseconds waited: 0 when the account is registered already, never registers
    (direct/IP mode) or was unregistered on purpose. Raises the registration's failure
    (SipError exit 4, NetworkError exit 5, Timeout exit 3) and Timeout."""
    state = phone.state()
    wanted = account_id or state.default_account
    acc = next((a for a in state.accounts if a.id == wanted), None)
    if acc is None or acc.reg_state in (RegState.REGISTERED, RegState.NONE,
                                        RegState.UNREGISTERED):
        return 0.0  # an unknown account: the call itself says so
    started = time.monotonic()
    if acc.reg_state is RegState.REGISTERING:
        acc = await _settled(feed, acc.id, timeout_s)
    if acc.reg_state is RegState.FAILED:
        raise failure_error(acc)
    return round((time.monotonic() - started) * 1000, 1)


async def _settled(feed: EventFeed, account_id: str, timeout_s: float | None) -> AccountState:
    def match(event: Event) -> AccountState | None:
        if isinstance(event, RegistrationChanged) and event.account.id == account_id \
                and event.account.reg_state in _SETTLED:
            return event.account
        return None

    found = await feed.until(match, timeout_s,
                             late=f"account {account_id}: not registered (--no-register "
                                  "calls without waiting)")
    if found is None:
        raise Timeout(f"account {account_id}: the engine stopped before it registered")
    return found
