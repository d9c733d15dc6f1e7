"""Whose SIP messages go to the trace log: only those of accounts that turned on
``features.sip_trace_log``. A message belongs to an account when its From or To names
the account's address of record (user@domain); a direct account (no registrar) is
reached at any of our addresses, so its user part decides."""

from __future__ import annotations

import re

from tuiphone.model.account import AccountConfig
from tuiphone.model.trace import TraceEntry

_PARTY = re.compile(r"^(?:from|f|to|t)[ \t]*:[^\r\n]*?<?sips?:([^@>;\s]+)@([^>;:\s]+)",
                    re.IGNORECASE | re.MULTILINE)
_URI = re.compile(r"^sips?:([^@;>\s]+)@([^;>:\s]+)", re.IGNORECASE)


class TraceScope:
    def __init__(self, accounts: tuple[AccountConfig, ...] = ()) -> None:
        self.aors: set[tuple[str, str]] = set()
        self.users: set[str] = set()
        for account in accounts:
            self.add(account)

    def add(self, account: AccountConfig) -> None:
        if not account.features.sip_trace_log:
            return
        match = _URI.match(account.uri)
        if match is None:
            return
        user, host = match.group(1), match.group(2).lower()
        if account.registers:
            self.aors.add((user, host))
        else:
            self.users.add(user)

    @property
    def empty(self) -> bool:
        return not self.aors and not self.users

    def wants(self, entry: TraceEntry) -> bool:
        head = entry.text.split("\r\n\r\n", 1)[0].split("\n\n", 1)[0]
        for user, host in _PARTY.findall(head):
            if (user, host.lower()) in self.aors or user in self.users:
                return True
        return False
