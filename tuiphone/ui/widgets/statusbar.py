"""Status bar: accounts and registration, MWI, the emergency location profile, audio
mode, engine/attach state."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.reactive import reactive
from textual.widgets import Static

from tuiphone.engine.api import PhoneState
from tuiphone.model.account import AccountState, RegState
from tuiphone.model.network import AccountRoute

_REG = {
    RegState.NONE: "◇ direct",
    RegState.REGISTERING: "◌ registering",
    RegState.REGISTERED: "● registered",
    RegState.UNREGISTERED: "○ unregistered",
    RegState.FAILED: "✕ failed",
}


def account_text(acc: AccountState, route: AccountRoute | None = None) -> str:
    """``alice ● registered via 198.18.0.1``: the local address shows which network
    the account uses (a VPN, a LAN); "no route" when nothing reaches its server."""
    text = f"{acc.id} {_REG[acc.reg_state]}"
    if acc.reg_state is RegState.FAILED:
        text = f"{text} ({acc.code} {acc.reason})"
    if route is not None:
        text += f" via {route.local_address}" if route.local_address else " (no route)"
    return text


class StatusBar(Static):
    """``engine`` is 'starting', 'local', 'attached' or 'failed: ...'."""

    phone_state: reactive[PhoneState | None] = reactive(None, always_update=True)
    engine: reactive[str] = reactive("starting")
    unread: reactive[int] = reactive(0)
    location: reactive[str] = reactive("")  # "" when features.location is off

    def render(self) -> str:
        return fit(self.parts(), self.size.width or 10_000)

    def parts(self) -> list[tuple[int, str]]:
        """(rank, text) in display order; the highest rank is dropped first when short
        of room: audio mode, then a healthy engine state, then the accounts' routes."""
        engine_rank = 1 if self.engine.startswith(("failed", "starting")) else 3
        parts = [(engine_rank, f"engine: {self.engine}")]
        state = self.phone_state
        if state is not None:
            routes = {r.account_id: r for r in state.routes}
            parts.extend((0, account_text(a, routes.get(a.id))) for a in state.accounts)
            if state.dnd:
                every = {a.id for a in state.accounts} <= set(state.dnd)
                parts.append((0, "⊘ DND" if every else f"⊘ DND {','.join(state.dnd)}"))
            new = sum(m.new for m in state.mwi)
            if state.mwi:
                parts.append((1, f"✉ MWI {new}"))
            if self.location:
                parts.append((2, self.location))
            parts.append((4, f"audio: {state.audio_mode}"))
        if self.unread:
            parts.append((1, f"chat: {self.unread} unread"))
        return parts

    def watch_engine(self, engine: str) -> None:
        self.set_class(engine.startswith("failed"), "-failed")


SEP = "  │  "


def fit(parts: list[tuple[int, str]], width: int) -> str:
    """The parts joined, least important (highest rank) dropped first until they fit;
    what still does not fit ends with an ellipsis."""
    kept = list(parts)
    while len(kept) > 1 and cell_len(SEP.join(t for _, t in kept)) > width:
        worst = max(rank for rank, _ in kept)
        index = max(i for i, (rank, _) in enumerate(kept) if rank == worst)
        kept.pop(index)
    text = SEP.join(t for _, t in kept)
    return text if cell_len(text) <= width else set_cell_size(text, max(width - 1, 0)) + "…"
