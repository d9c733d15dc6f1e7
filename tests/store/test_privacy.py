"""Export and erase: everything kept can be seen, and removed for good."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.store.conftest import call, message
from tuiphone.model.errors import NotFound
from tuiphone.store import Attachment, Store
from tuiphone.store.migrations import MIGRATIONS

ALICE = "sip:alice@example.com"
BOB = "sip:bob@example.com"
SECRET = "the launch code is 0000"


def _fill(store: Store) -> None:
    store.add_call(call(1))
    store.add_call(call(2, peer=BOB))
    store.add_message(message(1))
    store.add_message(message(2, peer=BOB))
    store.add_message(replace(message(3, peer=BOB), body=SECRET))
    store.add_attachment(Attachment(message_id="m2", filename="cat.jpg", size=123))
    store.bump_counter("calls_made")


def test_export_holds_everything_and_is_json(store: Store) -> None:
    _fill(store)
    exported = json.loads(json.dumps(store.export_all()))
    assert exported["format"] == "tuiphone-export"
    assert exported["schema"] == len(MIGRATIONS)
    assert [c["call_id"] for c in exported["calls"]] == ["c1", "c2"]
    assert [m["body"] for m in exported["messages"]] == ["hello 1", "hello 2", SECRET]
    assert exported["messages"][0]["read"] is False
    assert exported["messages"][0]["delivery"] == "received"
    assert exported["attachments"][0]["filename"] == "cat.jpg"
    assert exported["counters"] == {"calls_made": 1}
    assert exported["messages"][0]["raw"] == ""


def test_export_gives_bytes_as_base64(store: Store) -> None:
    store.add_message(replace(message(1), body="\ufffd", raw=b"\xff"))
    exported = json.loads(json.dumps(store.export_all()))
    assert exported["messages"][0]["raw"] == "/w=="


def test_erase_peer_removes_only_that_peer(store: Store) -> None:
    _fill(store)
    assert store.erase_peer(BOB) == 3
    assert [c.remote_uri for c in store.history()] == [ALICE]
    assert [m.peer for m in store.messages()] == [ALICE]
    assert store.attachments("m2") == []  # cascaded with its message
    assert store.counters() == {"calls_made": 1}


def test_peer_attachments_cover_every_spelling_of_the_peer(store: Store) -> None:
    """What ``data erase --peer`` removes from disk is the files of the whole thread."""
    _fill(store)
    store.add_message(message(4, peer='"Bob" <sip:bob@example.com;transport=tcp>'))
    store.add_attachment(Attachment(message_id="m4", filename="dog.jpg", size=9))
    store.add_attachment(Attachment(message_id="m1", filename="alice.pdf", size=9))
    assert sorted(a.filename for a in store.peer_attachments(BOB)) == ["cat.jpg", "dog.jpg"]
    assert [a.filename for a in store.peer_attachments(ALICE)] == ["alice.pdf"]


def test_erase_all_empties_every_table(store: Store) -> None:
    _fill(store)
    assert store.erase_all() == 7
    exported = store.export_all()
    assert [exported[k] for k in ("calls", "messages", "attachments")] == [[], [], []]
    assert exported["counters"] == {}


def test_erase_all_leaves_no_trace_on_disk(db_path: Path, store: Store) -> None:
    _fill(store)
    store.erase_all()
    store.close()
    leftovers = [p for p in db_path.parent.iterdir() if SECRET.encode() in p.read_bytes()]
    assert leftovers == []


def test_erased_peer_body_is_overwritten_on_disk(db_path: Path, store: Store) -> None:
    _fill(store)
    store.erase_peer(BOB)
    store.close()
    assert SECRET.encode() not in db_path.read_bytes()


def test_store_is_usable_after_erase_all(store: Store) -> None:
    _fill(store)
    store.erase_all()
    store.add_call(call(9))
    assert [c.call_id for c in store.history()] == ["c9"]


def test_attachment_round_trip(store: Store) -> None:
    store.add_message(message(1))
    att = Attachment(message_id="m1", filename="a.pdf", size=9, url="https://x/a", key_ref="k1")
    new_id = store.add_attachment(att)
    assert store.attachments("m1") == [replace(att, id=new_id)]


def test_attachment_of_unknown_message(store: Store) -> None:
    with pytest.raises(NotFound, match="'ghost'"):
        store.add_attachment(Attachment(message_id="ghost", filename="a.pdf"))


def test_counters_accumulate(store: Store) -> None:
    assert store.bump_counter("calls") == 1
    assert store.bump_counter("calls", by=4) == 5
    assert store.bump_counter("chats") == 1
    assert store.counters() == {"calls": 5, "chats": 1}
