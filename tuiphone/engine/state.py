"""The engine's live tables, updated from backend events. Loop-thread only."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from tuiphone.engine.api import MwiState, PhoneState
from tuiphone.model.account import AccountState
from tuiphone.model.call import CallInfo, CallState, CallStats
from tuiphone.model.events import (
    CallChanged,
    CallStatsChanged,
    DndChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    MwiChanged,
    NetworkChanged,
    RegistrationChanged,
    RequestFilter,
    RequestRefused,
    SipTrace,
)
from tuiphone.model.network import AccountRoute
from tuiphone.model.trace import TraceEntry
from tuiphone.model.trust import RefusalReason, Refusals

MAX_REFUSING_SOURCES = 1024  # as the backend's gate remembers


@dataclass
class LiveState:
    accounts: dict[str, AccountState] = field(default_factory=dict)
    calls: dict[str, CallInfo] = field(default_factory=dict)
    stats: dict[str, CallStats] = field(default_factory=dict)
    mwi: dict[str, MwiState] = field(default_factory=dict)
    trace: deque[TraceEntry] = field(default_factory=lambda: deque(maxlen=2000))
    hidden_accounts: set[str] = field(default_factory=set)
    routes: dict[str, AccountRoute] = field(default_factory=dict)
    request_filter: str = ""
    dnd: tuple[str, ...] = ()
    refused: dict[tuple[str, RefusalReason], Refusals] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        """Fold one event into the tables."""
        match event:
            case RegistrationChanged(account=acc):
                self.accounts[acc.id] = acc
            case CallChanged(call=call) | IncomingCall(call=call):
                if call.state is CallState.ENDED:  # its stats stay for the history row
                    self.calls.pop(call.id, None)
                else:
                    self.calls[call.id] = call
            case MwiChanged(account_id=acc_id, waiting=waiting, new=new, old=old):
                self.mwi[acc_id] = MwiState(acc_id, waiting, new, old)
            case SipTrace(entry=entry):
                self.trace.append(entry)
            case NetworkChanged(route=route):
                self.routes[route.account_id] = route
            case RequestRefused(refusals=total):
                self._refused(total)
            case RequestFilter(mode=mode):
                self.request_filter = mode
            case DndChanged(account_ids=ids):
                self.dnd = ids
            case _:
                pass

    def _refused(self, total: Refusals) -> None:
        key = (total.source, total.reason)
        self.refused.pop(key, None)  # re-inserted: the dict keeps the most recent last
        self.refused[key] = total
        while len(self.refused) > MAX_REFUSING_SOURCES:
            del self.refused[next(iter(self.refused))]

    def is_hidden(self, event: Event) -> bool:
        """Events of the built-in echo line's own legs are internal."""
        match event:
            case CallChanged(call=call) | IncomingCall(call=call):
                return call.account_id in self.hidden_accounts
            case RegistrationChanged(account=acc):
                return acc.id in self.hidden_accounts
            case DtmfReceived(call_id=call_id) | CallStatsChanged(call_id=call_id):
                leg = self.calls.get(call_id)
                return leg is not None and leg.account_id in self.hidden_accounts
            case _:
                return False

    def visible_calls(self) -> tuple[CallInfo, ...]:
        return tuple(c for c in self.calls.values() if c.account_id not in self.hidden_accounts)

    def snapshot(self, audio_mode: str, default: str | None, echo: str | None) -> PhoneState:
        return PhoneState(
            accounts=tuple(
                a for a in self.accounts.values() if a.id not in self.hidden_accounts
            ),
            calls=self.visible_calls(),
            mwi=tuple(self.mwi.values()),
            audio_mode=audio_mode,
            default_account=default,
            echo_uri=echo,
            routes=tuple(self.routes.values()),
            request_filter=self.request_filter,
            dnd=self.dnd,
            refused=tuple(sorted(self.refused.values(), key=lambda r: -r.count)),
        )
