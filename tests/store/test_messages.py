"""Chat: thread order, delivery updates, duplicates, unread counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.store.conftest import message
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.message import Delivery
from tuiphone.store import Store

BOB = "sip:bob@example.com"


def test_messages_come_oldest_first(store: Store) -> None:
    for n in (3, 1, 2):
        store.add_message(message(n))
    assert [m.id for m in store.messages()] == ["m1", "m2", "m3"]


def test_limit_keeps_the_newest(store: Store) -> None:
    for n in range(1, 6):
        store.add_message(message(n))
    assert [m.id for m in store.messages(limit=2)] == ["m4", "m5"]


def test_equal_timestamps_keep_insertion_order(store: Store) -> None:
    for n in (1, 2, 3):
        store.add_message(message(n, ts=5.0))
    assert [m.id for m in store.messages()] == ["m1", "m2", "m3"]


def test_filter_by_peer(store: Store) -> None:
    store.add_message(message(1))
    store.add_message(message(2, peer=BOB))
    assert [m.id for m in store.messages(peer=BOB)] == ["m2"]


def test_round_trip_keeps_every_field(store: Store) -> None:
    original = replace(message(1), truncated=True, code=0, reason="")
    store.add_message(original)
    assert store.messages() == [original]


def test_duplicate_id_is_ignored(store: Store) -> None:
    assert store.add_message(message(1)) is True
    assert store.add_message(replace(message(1), body="changed")) is False
    assert [m.body for m in store.messages()] == ["hello 1"]


def test_update_delivery_returns_the_new_message(store: Store) -> None:
    store.add_message(message(1, direction="out"))
    updated = store.update_delivery("m1", Delivery.FAILED, 404, "Not Found")
    assert (updated.delivery, updated.code, updated.reason) == (Delivery.FAILED, 404, "Not Found")
    assert store.messages() == [updated]


def test_update_delivery_of_unknown_id(store: Store) -> None:
    with pytest.raises(NotFound, match="'nope'"):
        store.update_delivery("nope", Delivery.SENT, 200, "OK")


def test_bad_direction_is_a_usage_error(store: Store) -> None:
    with pytest.raises(UsageError, match="'sideways'"):
        store.add_message(replace(message(1), direction="sideways"))


def test_threads_newest_first_with_unread_counts(store: Store) -> None:
    store.add_message(message(1))
    store.add_message(message(2))
    store.add_message(message(3, peer=BOB))
    store.add_message(message(4, direction="out"))
    threads = store.threads()
    assert [(t.peer, t.last_message.id, t.unread) for t in threads] == [
        ("sip:alice@example.com", "m4", 2),
        (BOB, "m3", 1),
    ]


def test_outgoing_messages_are_never_unread(store: Store) -> None:
    store.add_message(message(1, direction="out"))
    assert store.threads()[0].unread == 0


def test_mark_read_clears_one_peer(store: Store) -> None:
    store.add_message(message(1))
    store.add_message(message(2))
    store.add_message(message(3, peer=BOB))
    assert store.mark_read("sip:alice@example.com").unread == 2
    assert store.mark_read("sip:alice@example.com").unread == 0
    assert {t.peer: t.unread for t in store.threads()} == {"sip:alice@example.com": 0, BOB: 1}


def test_mark_read_gives_the_messages_that_asked_for_a_display_notification(
        store: Store) -> None:
    store.add_message(replace(message(1), imdn_id="a1", notify="positive-delivery, display"))
    store.add_message(message(2))  # asked for nothing
    store.add_message(replace(message(3, peer="<sip:alice@example.com;transport=tcp>"),
                              imdn_id="a3", notify="display"))
    store.add_message(replace(message(4, peer=BOB), imdn_id="b4", notify="display"))
    done = store.mark_read('"Alice" <sip:alice@example.com>')  # the whole thread
    assert done.unread == 3
    assert [m.id for m in done.to_notify] == ["m1", "m3"]
    assert store.mark_read("sip:alice@example.com").to_notify == ()  # told once


def test_no_threads_in_an_empty_store(store: Store) -> None:
    assert store.threads() == []


def test_bytes_that_arrived_are_kept(store: Store) -> None:
    odd = replace(message(1), body="\ufffd\ufffd\ufffd", raw=b"\xff\xfe\xfa")
    store.add_message(odd)
    store.add_message(message(2))
    kept, plain = store.messages()
    assert kept == odd
    assert kept.data == b"\xff\xfe\xfa"
    assert plain.raw == b""
    assert plain.data == b"hello 2"
