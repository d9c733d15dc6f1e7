"""Chat threads over the whole history: normalised peers, keyset pages, unread counts,
full-text search (FTS5) kept in step by triggers, resend of a failed message."""

from __future__ import annotations

import dataclasses

import pytest

from tests.store.conftest import message
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store
from tuiphone.store.messages import fts_query

SPELLINGS = ("sip:alice@example.com", "<sip:alice@example.com;transport=tcp>",
             '"Alice" <sip:alice@EXAMPLE.com:5060>')


def _fill(store: Store, count: int, peer: str = "sip:alice@example.com",
          first: int = 0) -> None:
    for n in range(first, first + count):
        store.add_message(message(n, peer=peer))


def test_every_spelling_of_a_peer_is_one_thread(store: Store) -> None:
    for n, peer in enumerate(SPELLINGS):
        store.add_message(message(n, peer=peer))
    store.add_message(message(9, peer="sip:bob@example.com"))
    threads = store.threads()
    assert [(t.key, t.unread) for t in threads] == [("bob@example.com", 1),
                                                    ("alice@example.com", 3)]
    alice = threads[1]
    assert alice.peer == SPELLINGS[2]  # the newest message's URI: where a reply goes
    assert alice.last_message.id == "m2"
    for peer in SPELLINGS:
        assert [m.id for m in store.messages(peer)] == ["m0", "m1", "m2"]


def test_pages_walk_back_and_forth_through_the_whole_thread(store: Store) -> None:
    _fill(store, 250)
    _fill(store, 5, peer="sip:bob@example.com", first=1000)
    last = store.messages("sip:alice@example.com", limit=100)
    assert [m.id for m in last] == [f"m{n}" for n in range(150, 250)]
    older = store.messages("sip:alice@example.com", limit=100, before=last[0].id)
    assert [m.id for m in older] == [f"m{n}" for n in range(50, 150)]
    oldest = store.messages("sip:alice@example.com", limit=100, before=older[0].id)
    assert [m.id for m in oldest] == [f"m{n}" for n in range(50)]
    assert store.messages("sip:alice@example.com", limit=100, before="m0") == []
    newer = store.messages("sip:alice@example.com", limit=3, after="m10")
    assert [m.id for m in newer] == ["m11", "m12", "m13"]
    around = store.messages_around("m100", limit=5)
    assert [m.id for m in around] == ["m98", "m99", "m100", "m101", "m102"]
    with pytest.raises(NotFound):
        store.messages("sip:alice@example.com", before="nope")


def test_equal_timestamps_are_paged_by_insertion_order(store: Store) -> None:
    for n in range(7):
        store.add_message(message(n, ts=5000.0))
    first = store.messages("sip:alice@example.com", limit=3)
    second = store.messages("sip:alice@example.com", limit=3, before=first[0].id)
    third = store.messages("sip:alice@example.com", limit=3, before=second[0].id)
    assert [m.id for m in [*third, *second, *first]] == [f"m{n}" for n in range(7)]


def test_opening_a_thread_marks_it_read(store: Store) -> None:
    _fill(store, 4)
    store.add_message(message(10, peer="<sip:alice@example.com>", direction="out"))
    _fill(store, 2, peer="sip:bob@example.com", first=20)
    counts = {t.key: t.unread for t in store.threads()}
    assert counts == {"alice@example.com": 4, "bob@example.com": 2}  # ours count as read
    assert store.mark_read('"Alice" <sip:alice@example.com>') == 4
    assert {t.key: t.unread for t in store.threads()} == {"alice@example.com": 0,
                                                          "bob@example.com": 2}


def _said(n: int, body: str, peer: str = "sip:alice@example.com") -> Message:
    return dataclasses.replace(message(n, peer=peer), body=body)


def test_search_in_one_thread_and_across_threads(store: Store) -> None:
    store.add_message(_said(1, "Lunch at the Café tomorrow?"))
    store.add_message(_said(2, "no lunch today", peer="sip:bob@example.com"))
    store.add_message(_said(3, "the launch went fine"))
    store.add_message(_said(4, "LUNCH!!", peer="<sip:alice@example.com>"))
    assert [m.id for m in store.search_messages("lunch")] == ["m4", "m2", "m1"]
    assert [m.id for m in store.search_messages("lunch", "sip:alice@example.com")] == ["m4", "m1"]
    assert [m.id for m in store.search_messages("cafe")] == ["m1"]  # accents do not matter
    assert [m.id for m in store.search_messages("lun*")] == ["m4", "m2", "m1"]
    assert [m.id for m in store.search_messages("lunch tomorrow")] == ["m1"]
    assert store.search_messages("lunch", limit=1)[0].id == "m4"


@pytest.mark.parametrize("typed", ['"lunch', "lunch AND", "NEAR(", "a:b", "-x", "(lunch",
                                   "lunch OR NOT", "body:lunch", "^lunch", "l'unch", 'say "hi'])
def test_query_syntax_from_users_is_taken_as_text(store: Store, typed: str) -> None:
    store.add_message(_said(1, "lunch AND dinner, a:b NEAR( -x l'unch or not body:lunch say hi"))
    store.add_message(_said(2, "nothing here"))
    assert [m.id for m in store.search_messages(typed)] == ["m1"]


def test_a_query_with_no_words_is_a_usage_error(store: Store) -> None:
    with pytest.raises(UsageError, match="nothing to search for"):
        store.search_messages('  " ( ')
    assert fts_query('say "hi" now*') == '"say" """hi""" "now"*'


def test_the_index_follows_updates_and_deletes(store: Store) -> None:
    store.add_message(_said(1, "kumquat season"))
    store.add_message(_said(2, "kumquat jam", peer="sip:bob@example.com"))
    store._write(lambda conn: conn.execute("UPDATE messages SET body = 'pear' WHERE id = 'm1'"))
    assert [m.id for m in store.search_messages("kumquat")] == ["m2"]
    assert [m.id for m in store.search_messages("pear")] == ["m1"]
    store.erase_peer("<sip:bob@example.com;transport=tcp>")
    assert store.search_messages("kumquat") == []
    _integrity(store)


def _integrity(store: Store) -> None:
    store._write(lambda conn: conn.execute(
        "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"))


def _index_bytes(store: Store) -> bytes:
    rows = store._read(lambda conn: conn.execute("SELECT block FROM messages_fts_data"
                                                 ).fetchall())
    return b"".join(bytes(r[0]) for r in rows if r[0] is not None)


def test_retention_takes_the_words_out_of_the_index(store: Store) -> None:
    store.add_message(dataclasses.replace(_said(1, "xylophonic secret"), timestamp=10.0))
    store.add_message(dataclasses.replace(_said(2, "kept words"), timestamp=5000.0))
    assert b"xylophonic" in _index_bytes(store)
    purged = store.purge(keep_calls=None, before=1000.0)
    assert purged.messages == 1
    assert store.search_messages("xylophonic") == []
    assert b"xylophonic" not in _index_bytes(store)  # merged away, not only marked deleted
    assert [m.id for m in store.search_messages("kept")] == ["m2"]
    _integrity(store)


def test_erase_all_empties_the_index_and_the_file(store: Store, db_path) -> None:
    store.add_message(_said(1, "xylophonic secret"))
    assert store.erase_all() == 1
    assert store.search_messages("xylophonic") == []
    assert b"xylophonic" not in _index_bytes(store)
    store.close()
    assert b"xylophonic" not in db_path.read_bytes()
    with Store(db_path) as again:
        again.add_message(_said(2, "xylophonic again"))
        assert [m.id for m in again.search_messages("xylophonic")] == ["m2"]
        _integrity(again)


def test_resend_puts_a_failed_message_back_in_the_outbox(store: Store) -> None:
    out = message(1, direction="out")
    store.add_message(out)
    with pytest.raises(UsageError, match="queued; only a failed outgoing"):
        store.resend("m1", 9000.0)
    store.update_delivery("m1", Delivery.FAILED, 486, "Busy Here")
    again = store.resend("m1", 9000.0)
    assert (again.delivery, again.code, again.reason, again.timestamp) == (
        Delivery.QUEUED, 0, "", 9000.0)
    assert [m.id for m in store.due_messages(9000.0, ["acc"])] == ["m1"]
    store.add_message(message(2))
    with pytest.raises(UsageError, match="an incoming message"):
        store.resend("m2", 9000.0)
    with pytest.raises(NotFound):
        store.resend("nope", 9000.0)
