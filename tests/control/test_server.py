"""The control socket itself: permissions, peer uid, snapshots, stale files."""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import socket
import stat
import sys

import pytest

from tuiphone.control import ControlServer, socket_path
from tuiphone.model.errors import ConfigError, UsageError


async def raw_client(path):
    return await asyncio.open_unix_connection(str(path))


async def read_json(reader):
    line = await asyncio.wait_for(reader.readline(), 5)
    assert line, "connection closed"
    return json.loads(line)


async def test_socket_and_directory_are_private(engine):
    path = socket_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_ISSOCK(path.stat().st_mode)


async def test_request_reply_carries_the_id(engine):
    reader, writer = await raw_client(socket_path())
    writer.write(b'{"id": "x1", "cmd": "ping", "args": {"uri": "sip:a@example.com"}}\n')
    writer.write(b'not json\n')
    reply = await read_json(reader)
    junk = await read_json(reader)
    if reply["id"] is None:  # requests run concurrently: either may answer first
        reply, junk = junk, reply
    assert reply == {"id": "x1", "ok": True,
                     "result": {"code": 200, "reason": "OK", "rtt_ms": 0.1}}
    assert junk["ok"] is False
    assert junk["error"]["code"] == "UsageError"
    writer.close()


async def test_subscribe_starts_with_a_snapshot_then_events(engine):
    reader, writer = await raw_client(socket_path())
    writer.write(b'{"id": 1, "cmd": "subscribe"}\n')
    snapshot = await read_json(reader)
    assert snapshot["event"] == "snapshot"
    assert {a["id"] for a in snapshot["state"]["accounts"]} == {"local", "bob", "work"}
    await engine.call("sip:alice@example.com")
    event = await read_json(reader)
    assert event["event"] == "call"
    assert event["call"]["state"] == "calling"
    writer.close()


async def test_stale_socket_is_replaced(engine_free_path):
    path = engine_free_path
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))
    dead.close()  # the file stays, nobody listens: what a crashed engine leaves
    server = ControlServer(_NullPhone(), path)
    await server.start()
    try:
        reader, writer = await raw_client(path)
        writer.write(b'{"id": 1, "cmd": "state"}\n')
        assert (await read_json(reader))["ok"] is True
        writer.close()
    finally:
        await server.close()
    assert not path.exists()


async def test_live_socket_is_not_taken_over(engine):
    with pytest.raises(UsageError, match="already running"):
        await ControlServer(_NullPhone(), socket_path()).start()


async def test_a_regular_file_is_never_deleted(engine_free_path):
    engine_free_path.write_text("mine")
    with pytest.raises(ConfigError, match="not a socket"):
        await ControlServer(_NullPhone(), engine_free_path).start()
    assert engine_free_path.read_text() == "mine"


# The client that runs as nobody: a separate interpreter (not a fork of this threaded
# process, whose child could inherit a lock another thread held), isolated from the venv.
_NOBODY_CLIENT = r"""
import contextlib, json, socket, sys
result = {}
try:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)  # a loaded CI machine may answer slowly
    try:
        s.connect(sys.argv[1])
    except OSError as err:
        result = {"connect": err.errno}
    else:
        # A refusing server answers at once and closes: its answer is queued anyway.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(b'{"id": 1, "cmd": "state"}\n')
        line = b""
        while not line.endswith(b"\n") and (chunk := s.recv(4096)):
            line += chunk
        result = {"reply": json.loads(line) if line else None}
except BaseException as err:
    result = {"child_error": repr(err)}
print(json.dumps(result))
"""


_INTERPRETERS = tuple(dict.fromkeys((os.path.realpath(sys.executable), "/usr/bin/python3")))


async def run_as_nobody(path) -> dict:
    nobody = pwd.getpwnam("nobody")
    # The venv's interpreter may sit in root's home, which nobody cannot enter.
    for exe in _INTERPRETERS:
        try:
            proc = await asyncio.create_subprocess_exec(
                exe, "-I", "-c", _NOBODY_CLIENT, str(path),
                user=nobody.pw_uid, group=nobody.pw_gid, extra_groups=[], cwd="/",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            break
        except PermissionError:
            continue
    else:
        pytest.fail("no Python interpreter that nobody may run (tried the venv's and python3)")
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode(errors="replace")
    return json.loads(out)


needs_root = pytest.mark.skipif(os.getuid() != 0, reason="needs root to become nobody")


@needs_root
async def test_foreign_uid_cannot_even_reach_the_socket(engine):
    import errno

    assert await run_as_nobody(socket_path()) == {"connect": errno.EACCES}


@needs_root
async def test_foreign_uid_is_rejected_by_peer_credentials(engine):
    path = socket_path()
    # Simulate a careless directory: only SO_PEERCRED stands between nobody and the phone.
    for p in (path.parent.parent, path.parent):
        p.chmod(0o755)
    path.chmod(0o666)
    result = await run_as_nobody(path)
    assert "reply" in result, result
    assert result["reply"]["ok"] is False
    assert result["reply"]["error"]["code"] == "PermissionDenied"


class _NullPhone:
    def state(self):
        from tuiphone.engine.api import PhoneState

        return PhoneState()


@pytest.fixture
def engine_free_path():
    path = socket_path()
    path.parent.mkdir(mode=0o700, exist_ok=True)
    return path


async def test_run_request_runs_a_table_command_and_keeps_its_report(engine_free_path):
    from tuiphone.commands.socket_run import socket_requests
    from tuiphone.engine.fake import FakeBackend
    from tuiphone.engine.phone import Phone
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.model.account import AccountConfig

    phone = Phone(EngineSetup(accounts=(AccountConfig("local", "sip:me@127.0.0.1"),)),
                  FakeBackend())
    await phone.start()
    server = ControlServer(phone, engine_free_path, extra=socket_requests(phone))
    await server.start()
    try:
        reader, writer = await raw_client(engine_free_path)
        writer.write(b'{"id": 1, "cmd": "run", "args": {"line": "call echo --dtmf 4"}}\n')
        ok = await read_json(reader)
        writer.write(b'{"id": 2, "cmd": "run", "args": {"argv": ["call", "sip:busy@x.org"]}}\n')
        refused = await read_json(reader)
        writer.write(b'{"id": 3, "cmd": "run", "args": {"line": "events"}}\n')
        stream = await read_json(reader)
        writer.close()
    finally:
        await server.close()
        await phone.stop()
    assert ok["ok"] is True
    assert ok["result"]["dtmf_received"] == "4"
    assert refused["error"]["code"] == "CallRefused"
    assert refused["error"]["base"] == "SipError"
    assert refused["error"]["result"]["status_code"] == 486
    assert "subscribe" in stream["error"]["message"]
