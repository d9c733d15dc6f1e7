"""The engine's accounts: their configs, where each is reached, and the echo line.

One object the engine's collaborators share instead of reaching back into the Phone:
account lookup (``account``), turning what a user typed into a URI (``resolve_target``)
and routing our own legs (``route_local``). Loop-thread only.
"""

from __future__ import annotations

from tuiphone.engine.dialstring import DialTarget, parse_dial, rewrite_dialled
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import NotFound


def aor_key(uri: str) -> str:
    """'alice@host' of a SIP URI, without scheme, port and parameters, lower-cased host."""
    rest = uri.strip("<>").split(":", 1)[-1].split(";", 1)[0]
    user, _, host = rest.rpartition("@")
    return f"{user}@{host.rsplit(':', 1)[0].lower()}"


class AccountBook:
    """``configs`` in the order they were added (the first is the default);
    ``contacts`` maps an id to the contact URI its backend account answers at."""

    def __init__(self) -> None:
        self.configs: dict[str, AccountConfig] = {}
        self.contacts: dict[str, str] = {}
        self.echo_uri: str | None = None  # the built-in test line, once it runs

    def add(self, config: AccountConfig, contact: str) -> None:
        self.configs[config.id] = config
        self.contacts[config.id] = contact

    def remove(self, account_id: str) -> None:
        self.configs.pop(account_id, None)
        self.contacts.pop(account_id, None)

    def reorder(self, order: list[str]) -> None:
        """Put the accounts back in ``order`` (ids not in it keep their place at the end)."""
        rank = {account_id: index for index, account_id in enumerate(order)}
        self.configs = dict(sorted(self.configs.items(),
                                   key=lambda item: rank.get(item[0], len(rank))))

    @property
    def default_id(self) -> str | None:
        return next(iter(self.configs), None)

    def account(self, account_id: str | None) -> AccountConfig:
        """The named account, or the default (first) one. Raises NotFound."""
        if account_id is None:
            if not self.configs:
                raise NotFound("no account is configured")
            return next(iter(self.configs.values()))
        try:
            return self.configs[account_id]
        except KeyError:
            known = ", ".join(self.configs) or "none"
            raise NotFound(f"no account {account_id!r} (known: {known})") from None

    def resolve_target(self, text: str, acc: AccountConfig, rewrite: bool = True) -> DialTarget:
        """Turn what the user typed into a URI. ``echo`` is the built-in test line.
        ``rewrite`` False leaves the account's dialling rules out (emergency numbers)."""
        if text.strip().lower() == "echo" and self.echo_uri:
            return DialTarget(uri=self.echo_uri, post_dial="", display="echo")
        domain = acc.uri.split("@", 1)[1] if "@" in acc.uri else None
        return parse_dial(rewrite_dialled(text, acc.rules) if rewrite else text, domain)

    def route_local(self, uri: str) -> str:
        """``uri`` itself, or the contact of our own account whose address it is: a
        direct account's AOR carries no port, so replies must go to its contact."""
        key = aor_key(uri)
        for acc_id, acc in self.configs.items():
            if aor_key(acc.uri) == key and acc_id in self.contacts:
                return self.contacts[acc_id].strip("<>")
        return uri
