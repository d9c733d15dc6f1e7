"""The ioqueue view's list walking and time test on memory laid out by ctypes (the live
layout is checked by ``probe()`` in every engine start; see the lab tests)."""

from __future__ import annotations

import ctypes

from tuiphone.sip.ioqueue_room import IoqueueRoom, _due, _Key, _TimeVal


def _ring(keys: list[_Key], head: _Key) -> None:
    chain = [head, *keys]
    for a, b in zip(chain, chain[1:] + chain[:1], strict=True):
        a.next = ctypes.addressof(b)
        b.prev = ctypes.addressof(a)


def test_a_ring_of_keys_is_walked_in_order() -> None:
    head, keys = _Key(), [_Key() for _ in range(3)]
    _ring(keys, head)
    assert IoqueueRoom._ring(ctypes.addressof(head)) == [ctypes.addressof(k) for k in keys]


def test_an_empty_ring_has_no_keys() -> None:
    head = _Key()
    _ring([], head)
    assert IoqueueRoom._ring(ctypes.addressof(head)) == []


def test_a_broken_list_is_no_ring() -> None:
    head, keys = _Key(), [_Key() for _ in range(3)]
    _ring(keys, head)
    keys[1].next = None  # a NULL where the ring should go on
    assert IoqueueRoom._ring(ctypes.addressof(head)) is None
    loop = [_Key() for _ in range(2)]
    loop[0].next, loop[1].next = ctypes.addressof(loop[1]), ctypes.addressof(loop[0])
    head.next = ctypes.addressof(loop[0])  # a cycle that never comes back to the head
    assert IoqueueRoom._ring(ctypes.addressof(head)) is None


def test_a_key_is_due_once_its_free_time_has_come() -> None:
    assert _due(_TimeVal(10, 500), _TimeVal(10, 500))
    assert _due(_TimeVal(10, 500), _TimeVal(11, 0))
    assert not _due(_TimeVal(10, 500), _TimeVal(10, 499))
    assert not _due(_TimeVal(11, 0), _TimeVal(10, 999))


def test_the_layout_has_pjproject_2_15_sizes() -> None:
    # pj_ioqueue_key_t of the select ioqueue on LP64 (352 bytes): what the live probe,
    # which compares key counts with the ioqueue's limit, found right
    assert ctypes.sizeof(_Key) == 352
    assert _Key.free_time.offset == 336
