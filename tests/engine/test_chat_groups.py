"""ThreadGroups: stored threads merged per contact (caller ID), over a real Store."""

from __future__ import annotations

from tuiphone.engine.chat_groups import ThreadGroups
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store

CONTACTS = {"carol@a.test": "carol", "carol@b.test": "carol", "+4930123@c.test": "carol"}


def _msg(n: int, peer: str, direction: str = "in") -> Message:
    return Message(f"m{n}", "acc", direction, peer, f"text {n}", "text/plain", float(n),
                   Delivery.RECEIVED if direction == "in" else Delivery.SENT)


def test_threads_of_one_contact_merge_and_their_pages_search_and_reads_cover_all(tmp_path):
    from tuiphone.model.message import peer_key

    with Store(tmp_path / "db") as store:
        for n, peer in enumerate(["sip:carol@a.test", "sip:dave@x.test",
                                  "<sip:+4930123@c.test;user=phone>", "sip:carol@b.test"], 1):
            store.add_message(_msg(n, peer))
        store.add_message(_msg(5, "sip:carol@b.test", "out"))
        version = [object()]
        groups = ThreadGroups(store.threads)
        groups.contact_of = lambda uri: CONTACTS.get(peer_key(uri))
        groups.version = lambda: version[0]
        merged = groups.merged()
        assert [(t.key, t.members, t.unread, t.peer) for t in merged] == [
            ("+4930123@c.test", ("+4930123@c.test", "carol@a.test", "carol@b.test"), 3,
             "sip:carol@b.test"),  # a reply goes where the last message went
            ("dave@x.test", ("dave@x.test",), 1, "sip:dave@x.test")]
        members = groups.members("sip:carol@a.test")
        assert members == ("+4930123@c.test", "carol@a.test", "carol@b.test")
        assert groups.members("sip:nobody@y.test") == ("nobody@y.test",)
        page = store.messages(peer=members, limit=3)
        assert [m.id for m in page] == ["m3", "m4", "m5"]  # paged across the URIs
        assert [m.id for m in store.messages(peer=members, limit=10, before="m3")] == ["m1"]
        assert {m.id for m in store.search_messages("text", members)} == {
            "m1", "m3", "m4", "m5"}
        assert store.mark_read(members).unread == 3
        assert [t.unread for t in groups.merged()] == [0, 1]
        # the book changed: Carol's number is someone else's now
        CONTACTS["+4930123@c.test"] = "erin"
        version[0] = object()
        try:
            assert groups.members("sip:carol@b.test") == ("carol@a.test", "carol@b.test")
        finally:
            CONTACTS["+4930123@c.test"] = "carol"
