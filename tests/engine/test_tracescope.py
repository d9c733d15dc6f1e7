"""The SIP trace log keeps only the traffic of accounts that turned it on, in a 0600 file."""

from __future__ import annotations

from pathlib import Path

from tuiphone.config import parse_config
from tuiphone.engine.journal import Journal
from tuiphone.engine.tracefile import append_record
from tuiphone.engine.tracescope import TraceScope
from tuiphone.host.build import engine_setup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.events import SipTrace
from tuiphone.model.trace import TraceEntry
from tuiphone.store import Store

ON = Features(sip_trace_log=True)
WORK = AccountConfig("work", "sip:alice@pbx.example.com", registrar="sip:pbx.example.com",
                     features=ON)
HOME = AccountConfig("home", "sip:alice@home.example.org", registrar="sip:home.example.org")
DIRECT = AccountConfig("lab", "sip:tester@127.0.0.1", features=ON)


def sip(first: str, frm: str, to: str, body: str = "") -> TraceEntry:
    text = (f"{first}\r\nVia: SIP/2.0/UDP 198.18.0.2:5060\r\nFrom: {frm};tag=1\r\n"
            f"To: {to}\r\nCall-ID: x\r\nCSeq: 1 X\r\n\r\n{body}")
    return TraceEntry(1.0, "tx", "UDP", "198.18.0.1:5060", text)


def test_only_accounts_with_the_switch():
    scope = TraceScope((WORK, HOME, DIRECT))
    assert scope.wants(sip("REGISTER sip:pbx.example.com SIP/2.0",
                           "<sip:alice@pbx.example.com>", "<sip:alice@PBX.example.com>"))
    assert not scope.wants(sip("REGISTER sip:home.example.org SIP/2.0",
                               "<sip:alice@home.example.org>", "<sip:alice@home.example.org>"))
    assert scope.wants(sip("SIP/2.0 200 OK", '"Bob" <sip:bob@pbx.example.com>',
                           "<sip:alice@pbx.example.com>"))  # a response to a call to work
    assert scope.wants(sip("INVITE sip:tester@198.18.0.2 SIP/2.0", "sip:x@198.18.0.9",
                           "<sip:tester@198.18.0.2>"))  # a direct account: any address
    # a body naming the account does not make the message the account's
    assert not scope.wants(sip("MESSAGE sip:bob@home.example.org SIP/2.0",
                               "<sip:alice@home.example.org>", "<sip:bob@home.example.org>",
                               body="To: <sip:alice@pbx.example.com>"))
    assert TraceScope((HOME,)).empty


def test_the_journal_writes_what_the_scope_wants(tmp_path: Path):
    path = tmp_path / "trace.log"
    scope = TraceScope((WORK, HOME))
    with Store(tmp_path / "t.db") as store:
        journal = Journal(store, path, lambda e: None, trace_wanted=scope.wants)
        journal.on_event(SipTrace(sip("OPTIONS sip:pbx.example.com SIP/2.0",
                                      "<sip:alice@home.example.org>", "<sip:pbx>")))
        assert not path.exists()
        journal.on_event(SipTrace(sip("OPTIONS sip:pbx.example.com SIP/2.0",
                                      "<sip:alice@pbx.example.com>", "<sip:pbx>")))
        assert "alice@pbx.example.com" in path.read_text()


def test_no_switch_no_file_even_with_a_path():
    config = parse_config('[engine]\nsip_trace_file = "/var/tmp/x.log"\n'
                          '[[accounts]]\nid = "a"\nuri = "sip:a@example.com"\n')
    assert engine_setup(config).trace_file is None
    config = parse_config('[engine]\nsip_trace_file = "/var/tmp/x.log"\n'
                          '[[accounts]]\nid = "a"\nuri = "sip:a@example.com"\n'
                          '[accounts.features]\nsip_trace_log = true\n')
    assert engine_setup(config).trace_file == Path("/var/tmp/x.log")


def test_a_trace_file_made_by_someone_else_becomes_private(tmp_path: Path):
    path = tmp_path / "trace.log"
    path.write_text("")
    path.chmod(0o644)
    append_record(path, sip("OPTIONS sip:x SIP/2.0", "<sip:a@b>", "<sip:c@d>"))
    assert path.stat().st_mode & 0o777 == 0o600
