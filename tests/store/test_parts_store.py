"""Waiting parts of long texts and part receipts in the database: kept, exported, erased."""

from __future__ import annotations

import pytest

from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store, StoreError
from tuiphone.store.parts import StoredPart, least_advanced


def _part(n: int, peer: str = "sip:bob@example.com") -> StoredPart:
    msg = Message(f"p{n}", "a", "in", peer, f"({n}/3) x", "text/plain", float(n),
                  Delivery.RECEIVED)
    return StoredPart(msg, "g", n, 3)


def test_parts_are_kept_replaced_exported_and_erased_with_their_peer(tmp_path):
    with Store(tmp_path / "db") as store:
        store.add_part(_part(1))
        store.add_part(_part(1))  # a repeat replaces
        store.add_part(_part(2, "<sip:bob@example.com;transport=tcp>"))
        store.add_part(_part(1, "sip:carol@example.com"))
        assert len(store.waiting_parts()) == 3
        assert len(store.export_all()["incoming_parts"]) == 3
        assert store.erase_peer("sip:bob@example.com") == 2  # every spelling
        assert [p.message.peer for p in store.waiting_parts()] == ["sip:carol@example.com"]
        assert store.drop_parts("a", "carol@example.com", "g", 3) == 1
        assert store.waiting_parts() == []


def test_part_receipts_never_move_back_and_need_a_stored_message(tmp_path):
    with Store(tmp_path / "db") as store:
        store.add_message(Message("m1", "a", "out", "sip:bob@example.com", "t", "text/plain",
                                  1.0, Delivery.SENT))
        assert store.part_receipt("m1", 1, Delivery.DISPLAYED) == {1: Delivery.DISPLAYED}
        states = store.part_receipt("m1", 1, Delivery.DELIVERED)
        assert states == {1: Delivery.DISPLAYED}
        with pytest.raises(StoreError):
            store.part_receipt("nope", 1, Delivery.DELIVERED)
        assert least_advanced(store.part_receipt("m1", 2, Delivery.DELIVERED), 2) is (
            Delivery.DELIVERED)
        assert least_advanced({1: Delivery.DELIVERED}, 2) is None
        store.erase_all()
        assert store.row_counts()["part_receipts"] == 0
