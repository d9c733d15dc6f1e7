"""RemotePhone implements PhoneApi over the socket: results typed, errors exact."""

from __future__ import annotations

import asyncio

import pytest

from tuiphone.commands.runner import run_line
from tuiphone.control import EngineNotRunning, RemotePhone
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import NotFound, SipError, Timeout, UsageError
from tuiphone.model.events import CallChanged, IncomingCall


async def next_call_event(feed: EventFeed, state: CallState) -> CallInfo:
    while True:
        event = await feed.next(5.0)
        assert event is not None
        if isinstance(event, CallChanged | IncomingCall) and event.call.state is state:
            return event.call


async def test_state_is_mirrored(remote, engine):
    assert [a.id for a in remote.state().accounts] == [a.id for a in engine.state().accounts]
    assert remote.state().echo_uri == engine.state().echo_uri


async def test_each_phone_says_where_its_engine_runs(remote, engine):
    """Front ends decide detach-or-stop from PhoneApi.remote, not from the class."""
    assert (remote.remote, engine.remote) == (True, False)


async def test_call_answer_hangup_across_the_socket(remote):
    async with EventFeed(remote) as feed:
        placed = await remote.call("sip:me@127.0.0.1", account_id="bob")
        assert isinstance(placed, CallInfo)
        assert placed.direction is Direction.OUTGOING
        incoming = await next_call_event(feed, CallState.INCOMING)
        answered = await remote.answer(incoming.id)
        assert answered.id == incoming.id
        await next_call_event(feed, CallState.CONNECTED)
        await remote.hangup(placed.id)
        await next_call_event(feed, CallState.ENDED)


async def test_errors_keep_their_type(remote):
    with pytest.raises(SipError) as info:
        await remote.register("work", timeout_s=5)
    assert (info.value.code, info.value.reason) == (403, "Forbidden")
    with pytest.raises(NotFound):
        await remote.hangup("c404")
    with pytest.raises(UsageError):
        await remote.request("no_such_method")
    with pytest.raises(UsageError):
        await remote.request("hangup", bogus=1)


async def test_lists_and_pings_are_typed(remote):
    await remote.send_message("sip:bob@127.0.0.1", "hi", account_id="local")
    assert all(m.body == "hi" for m in await remote.messages("sip:bob@127.0.0.1"))
    assert (await remote.ping("sip:alice@example.com")).code == 200
    assert isinstance(await remote.trace(), list)


async def test_two_clients_at_once(engine):
    a, b = await RemotePhone.connect(), await RemotePhone.connect()
    try:
        results = await asyncio.gather(
            *(c.ping("sip:x@example.com") for c in (a, b) for _ in range(5))
        )
        assert [r.code for r in results] == [200] * 10
    finally:
        await a.close()
        await b.close()


async def test_commands_run_unchanged_on_a_remote_phone(remote):
    report = await run_line(remote, "call echo --dtmf 5 --expect-dtmf 5")
    assert report["dtmf_received"] == "5"
    assert (await run_line(remote, "status"))["engine"] == "attached"


async def test_connect_without_engine_says_so():
    with pytest.raises(EngineNotRunning):
        await RemotePhone.connect()


async def test_play_and_record_paths_are_absolute_for_the_engine(remote, engine, tmp_path,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    await run_line(remote, "call echo --play in.wav --record out.wav --duration 0.1")
    backend = engine.backend
    assert list(backend.played.values()) == [str(tmp_path / "in.wav")]
    assert list(backend.recorded.values()) == [str(tmp_path / "out.wav")]


async def test_mirror_follows_calls(remote):
    placed = await remote.call("sip:noanswer@example.com")
    await remote.wait_state(lambda s: [c.id for c in s.calls] == [placed.id], 5)
    await remote.hangup(placed.id)
    await remote.wait_state(lambda s: s.calls == (), 5)
    with pytest.raises(Timeout):
        await remote.wait_state(lambda s: False, 0.05)


async def test_engine_going_away_is_an_engine_gone_error(engine):
    from tuiphone.control import EngineGone, socket_path
    from tuiphone.control.server import ControlServer

    server = ControlServer(engine, socket_path().with_name("other.sock"))
    await server.start()
    client = await RemotePhone.connect(server.path)
    await server.close()
    try:
        with pytest.raises(EngineGone):
            await client.ping("sip:a@example.com")
        with pytest.raises(EngineGone):
            await client.ping("sip:a@example.com")
    finally:
        await client.close()
