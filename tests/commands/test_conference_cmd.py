"""``conference add|remove|split|show`` through the one command table (FakeBackend):
joining resumes held calls, a removed call is held, a conference of one is over."""

from __future__ import annotations

import asyncio

import pytest

from tuiphone.commands.runner import run_line
from tuiphone.model.call import CallState, MediaState
from tuiphone.model.errors import UsageError


def media(phone, call_id):  # type: ignore[no-untyped-def]
    return {c.id: c.media for c in phone.state().calls}[call_id]


async def until(check) -> None:  # type: ignore[no-untyped-def]
    """Yield to the loop until ``check()`` (the fake's events are delivered by it)."""
    for _ in range(10_000):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


async def connected(phone, uri):  # type: ignore[no-untyped-def]
    call = await phone.call(uri, account_id="local")
    await until(lambda: any(c.id == call.id and c.state is CallState.CONNECTED
                            for c in phone.state().calls))
    return call.id


async def two_calls(phone):  # type: ignore[no-untyped-def]
    return (await connected(phone, "sip:carol@example.com"),
            await connected(phone, "sip:dave@example.com"))


async def test_add_resumes_the_held_call_and_show_lists_members(phone):
    a, b = await two_calls(phone)
    await phone.hold(a)
    await until(lambda: media(phone, a) is MediaState.LOCAL_HOLD)
    assert sorted((await run_line(phone, "conference"))["conference"]) == sorted([a, b])
    await until(lambda: media(phone, a) is MediaState.ACTIVE)
    assert sorted((await run_line(phone, "conference show"))["conference"]) == sorted([a, b])
    assert all(c.conference for c in phone.state().calls)


async def test_remove_holds_the_call_and_ends_a_conference_of_one(phone):
    a, b = await two_calls(phone)
    await run_line(phone, f"conference add {a} {b}")
    out = await run_line(phone, f"conference remove {b}")
    assert out == {"held": [b], "conference": []}
    await until(lambda: media(phone, b) is MediaState.LOCAL_HOLD)
    assert not any(c.conference for c in phone.state().calls)
    assert (await run_line(phone, "conf show"))["conference"] == []


async def test_split_holds_every_member(phone):
    a, b = await two_calls(phone)
    await run_line(phone, f"conference {a} {b}")  # the old form: calls only
    out = await run_line(phone, "conference split")
    assert sorted(out["held"]) == sorted([a, b])
    await until(lambda: {media(phone, a), media(phone, b)} == {MediaState.LOCAL_HOLD})


@pytest.mark.parametrize("line", ["conference split", "conference remove c1",
                                  "conference show c1", "conference remove"])
async def test_bad_uses_are_one_clear_error(phone, line):
    await connected(phone, "sip:carol@example.com")
    with pytest.raises(UsageError):
        await run_line(phone, line)


async def test_one_call_is_no_conference(phone):
    a = await connected(phone, "sip:carol@example.com")
    with pytest.raises(UsageError, match="two"):
        await run_line(phone, f"conference add {a}")
