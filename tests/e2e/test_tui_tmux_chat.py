"""The Chat pane in a real terminal (tmux, 120x40): a stored history's threads with unread
counts, opening one, searching and jumping, copying over OSC 52 (tmux keeps it)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tests.e2e.tmuxtui import TmuxTui
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store

ROOT = Path(__file__).resolve().parents[2]  # this checkout's code, not an installed one
T0 = 1_600_000_000.0


def _fill(db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        for n in range(2000):
            body = "kumquat pie" if n == 17 else f"note {n}"
            store.add_message(Message(f"a{n}", "local", "out", "sip:alice@example.com", body,
                                      "text/plain", T0 + n, Delivery.SENT))
        for n in range(3):
            store.add_message(Message(f"b{n}", "local", "in", '"Bob" <sip:bob@example.com>',
                                      f"bob says {n}", "text/plain", T0 + 5000 + n,
                                      Delivery.RECEIVED))


def test_threads_search_jump_and_copy(tui: Callable[..., TmuxTui], tmp_path: Path) -> None:
    _fill(tmp_path / "user" / "data" / "tuiphone" / "tuiphone.db")
    session = tui([sys.executable, "-c", "from tuiphone.cli.main import main; main()"],
                  PYTHONPATH=str(ROOT))
    session.wait_for("the unread count in the status bar", "chat: 3 unread")
    session.send_key("C-y")
    session.wait_for("the chat pane's keys in the footer", "^f Search chat")
    session.send_key("Enter")  # the most recent thread: bob's
    session.wait_for("bob's newest message", "bob says 2")
    session.wait_for("the count cleared", lambda screen: "unread" not in screen)
    session.send_key("C-f")
    session.wait_for("the search box", "Search in every thread")
    session.send_text("KUMQUAT")
    session.send_key("Enter")
    session.wait_for("one hit", "1 found")
    session.send_key("Enter")
    session.wait_for("the old message in alice's thread",
                     lambda screen: "kumquat pie" in screen and "y Copy message" in screen)
    session._tmux("set-option", "-g", "set-clipboard", "on")
    session.send_key("y")
    session.wait_for("the copy notice", "Message copied")
    assert session._tmux("show-buffer") == "kumquat pie"
