"""Delivery marks and the order of delivery updates in the UI's chat book."""

from __future__ import annotations

from dataclasses import replace

from tuiphone.model.message import Delivery, Message
from tuiphone.ui.chat_model import ChatBook
from tuiphone.ui.format import delivery_mark

OUT = Message("m1", "a", "out", "sip:bob@example.com", "hi", "text/plain", 1.0, Delivery.QUEUED)


def test_marks_name_each_state_and_the_cause():
    assert delivery_mark(OUT) == "◷ queued"
    assert delivery_mark(replace(OUT, delivery=Delivery.SENDING)) == "… sending"
    retry = replace(OUT, code=503, reason="Service Unavailable", attempts=1)
    assert delivery_mark(retry) == "◷ queued (last try: 503 Service Unavailable)"
    gave_up = replace(OUT, delivery=Delivery.FAILED, reason="not sent within 24 h")
    assert delivery_mark(gave_up) == "✕ failed (not sent within 24 h)"
    assert delivery_mark(replace(OUT, delivery=Delivery.DISPLAYED)) == "✓✓ displayed"


def test_the_send_result_never_overwrites_a_later_state():
    book = ChatBook()
    book.add(replace(OUT, delivery=Delivery.SENDING, attempts=1))
    book.add(replace(OUT, delivery=Delivery.SENT, code=200))
    book.add(OUT)  # send() returned after its status events
    assert book.thread(OUT.peer).messages["m1"].delivery is Delivery.SENT


def test_a_retry_goes_back_to_queued():
    book = ChatBook()
    book.add(replace(OUT, delivery=Delivery.SENDING, attempts=1))
    book.add(replace(OUT, code=503, reason="x", attempts=1))
    assert book.thread(OUT.peer).messages["m1"].delivery is Delivery.QUEUED
    book.add(replace(OUT, delivery=Delivery.SENDING, attempts=2))
    assert book.thread(OUT.peer).messages["m1"].delivery is Delivery.SENDING


def test_a_late_2xx_never_undoes_a_receipt():
    book = ChatBook()
    book.add(replace(OUT, delivery=Delivery.DELIVERED))
    book.add(replace(OUT, delivery=Delivery.SENT, code=200))
    assert book.thread(OUT.peer).messages["m1"].delivery is Delivery.DELIVERED
