"""data export / erase through the CLI: everything kept comes out, then is gone for good."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from tests.commands.cli import run_command
from tests.store.conftest import call, message
from tuiphone.config.paths import cache_dir, data_dir, file_keys_dir, files_dir, state_dir
from tuiphone.store import Store
from tuiphone.store.attachments import Attachment

BOB = "sip:bob@example.com"
SECRET = "the launch code is 0000"
_REGISTER = ("REGISTER sip:example.com SIP/2.0\nFrom: <sip:me@example.com>;tag=1\n"
             "To: <sip:me@example.com>\nCall-ID: r1\n\n")
_TO_BOB = ("INVITE sip:bob@example.com SIP/2.0\nFrom: <sip:me@example.com>;tag=2\n"
           "To: <sip:bob@example.com>\nCall-ID: i1\n\n")
_FROM_BOB = ('SIP/2.0 200 OK\nFrom: "Bob" <sip:bob@EXAMPLE.com:5060>;tag=3\n'
             "To: <sip:me@example.com>;tag=4\nCall-ID: m1\n\n"
             "2026-01-01 10:00:02 RX UDP a line of the body that looks like a head\n")
_ALICE = ("MESSAGE sip:alice@example.com SIP/2.0\nFrom: <sip:me@example.com>;tag=5\n"
          "To: <sip:alice@example.com>\nCall-ID: m2\n\nhello bob@example.com\n")
TRACE_LOG = "".join(
    f"2026-01-01 10:00:0{i} {d} UDP 192.0.2.9:5060\n{text}\n"
    for i, (d, text) in enumerate((("TX", _REGISTER), ("TX", _TO_BOB), ("RX", _FROM_BOB),
                                   ("TX", _ALICE))))


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    """A database with two peers, a trace log, shell history and contacts caches."""
    db = data_dir() / "tuiphone.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        store.add_call(call(1))
        store.add_call(call(2, peer=BOB))
        store.add_message(message(1))
        store.add_message(replace(message(2, peer=BOB), body=SECRET))
        for msg, ref in ((message(1), "a" * 32), (message(2, peer=BOB), "b" * 32)):
            saved = files_dir() / f"{ref[0]}.jpg"
            store.add_attachment(Attachment(msg.id, saved.name, 5, "image/jpeg",
                                            "https://files.example/x", ref, str(saved)))
    files_dir().mkdir(parents=True)
    (files_dir() / "a.jpg").write_bytes(b"alice")
    (files_dir() / "b.jpg").write_bytes(b"bobby")
    file_keys_dir().mkdir(parents=True)
    (file_keys_dir() / ("a" * 32)).write_bytes(b"wrapped")
    (file_keys_dir() / ("b" * 32)).write_bytes(b"wrapped")
    (data_dir() / "sip-trace.log").write_text(TRACE_LOG)
    state_dir().mkdir(parents=True, exist_ok=True)
    (state_dir() / "shell_history").write_text("call bob\n")
    (state_dir() / "tuiphone.log").write_text("2026-01-01 00:00:00 1 INFO x: bob\n")
    (state_dir() / "tuiphone.log.1").write_text("older\n")
    (cache_dir() / "contacts").mkdir(parents=True)
    (cache_dir() / "contacts" / "abc.cache").write_bytes(b"cards")
    (data_dir() / "carddav" / "work" / "cards").mkdir(parents=True)
    (data_dir() / "carddav" / "work" / "cards" / "x.vcf").write_text("BEGIN:VCARD\r\n")
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "a"\nuri = "sip:me@127.0.0.1"\n')
    config.chmod(0o600)
    return config


run = partial(run_command, "data")


def test_export_to_stdout_and_to_a_private_file(
    kept: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, kept, "export", "--json")
    assert code == 0
    document = json.loads(out)
    assert [c["remote_uri"] for c in document["calls"]] == ["sip:alice@example.com", BOB]
    assert SECRET in [m["body"] for m in document["messages"]]
    target = tmp_path / "mine.json"
    code, out, _ = run(capsys, kept, "export", "--out", str(target), "--json")
    assert code == 0
    assert json.loads(out)["messages"] == 2
    assert json.loads(out)["files"] == 2
    assert sorted(Path(f["path"]).name for f in document["files"]) == ["a.jpg", "b.jpg"]
    assert [a["key_ref"] for a in document["attachments"]] == ["a" * 32, "b" * 32]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["calls"] == document["calls"]


def test_erase_needs_yes_and_then_leaves_nothing(
    kept: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, kept, "erase")
    assert code == 2
    assert "--yes" in err
    assert (data_dir() / "sip-trace.log").exists()
    code, out, _ = run(capsys, kept, "erase", "--yes", "--json")
    assert code == 0
    assert json.loads(out)["rows_deleted"] == 6
    assert not files_dir().exists()
    assert not file_keys_dir().exists()
    with Store(data_dir() / "tuiphone.db") as store:
        assert store.history() == []
        assert store.messages() == []
        assert store.search_messages("launch") == []  # the search index went too
    raw = b"".join(p.read_bytes() for p in data_dir().glob("tuiphone.db*"))
    assert SECRET.encode() not in raw  # compacted: not just unlinked pages
    assert b"launch" not in raw  # ... and no word of it is left in the index
    assert not (data_dir() / "sip-trace.log").exists()
    assert not (state_dir() / "shell_history").exists()
    assert not list(state_dir().glob("tuiphone.log*"))  # the app log and its old files
    assert not (cache_dir() / "contacts" / "abc.cache").exists()
    assert not (data_dir() / "carddav").exists()
    assert kept.exists()  # the config stays


def test_erase_one_peer(kept: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, kept, "erase", "--peer", BOB, "--yes", "--json")
    assert code == 0
    assert json.loads(out) == {"rows_deleted": 2, "peer": BOB, "files_removed": 1,
                               "trace_records_removed": 2}
    with Store(data_dir() / "tuiphone.db") as store:
        assert [c.remote_uri for c in store.history()] == ["sip:alice@example.com"]
        assert [a.filename for a in store.peer_attachments()] == ["a.jpg"]
        assert store.search_messages("launch") == []  # its words left the index
        assert [m.body for m in store.search_messages("hello")] == ["hello 1"]
    assert [p.name for p in files_dir().iterdir()] == ["a.jpg"]
    assert [p.name for p in file_keys_dir().iterdir()] == ["a" * 32]
    left = (data_dir() / "sip-trace.log").read_text()
    assert "Call-ID: i1" not in left  # bob's INVITE and the answer from him went
    assert "Call-ID: m1" not in left
    assert "looks like a head" not in left  # with the whole record, body and all
    assert "Call-ID: r1" in left  # the rest stays, whole and in order
    assert left.index("Call-ID: r1") < left.index("Call-ID: m2")
    assert left.endswith("hello bob@example.com\n\n")  # a body naming bob is not a header
    assert stat.S_IMODE((data_dir() / "sip-trace.log").stat().st_mode) == 0o600


def test_show_lists_every_place_with_rows_and_sizes(
    kept: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, kept, "show", "--json")
    assert code == 0
    rows = {r["what"]: r for r in json.loads(out)}
    db = rows["calls, messages, attachment records, counters"]
    assert db["rows"] == ("2 attachments, 0 part_receipts, 2 messages, 2 calls, 0 counters, "
                          "0 location_uses, 0 incoming_parts")
    received = rows["files received (features.file_sharing)"]
    assert (received["rows"], received["bytes"]) == ("2 files", 10)
    assert db["bytes"] > 0
    assert rows["SIP trace log (features.sip_trace_log)"]["exists"] is True
    assert rows["shell history"]["bytes"] == len("call bob\n")
    assert rows["CardDAV offline copies"]["bytes"] == len("BEGIN:VCARD\r\n")
    assert rows["secret store (passwords, encrypted)"]["exists"] is False
    assert SECRET not in out  # sizes and counts, never contents
