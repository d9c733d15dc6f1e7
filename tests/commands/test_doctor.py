"""tuiphone doctor without the lab: the exit-status mapping, the output, and the checks
that need no SIP server (clock, STUN against a loopback server, socket, terminal)."""

from __future__ import annotations

import json
import os
import socket
import time
from email.utils import formatdate

import pytest

from tests.commands.cli import run_command
from tests.support.stunserver import StunServer
from tuiphone.commands import exitcodes
from tuiphone.commands.doctor import machine, netpath, report, sipcheck, stun, tlscheck
from tuiphone.commands.doctor.report import Finding, Status, exit_status, fail, ok, warn
from tuiphone.commands.exitcodes import exit_code
from tuiphone.model.account import AccountConfig, Transport
from tuiphone.model.network import Hop
from tuiphone.model.trace import TraceEntry


def _fails(*codes: int) -> list[Finding]:
    return [ok("a", "fine"), warn("b", "hm", "do x")] + [
        fail(f"c{i}", "broken", "fix it", code) for i, code in enumerate(codes)]


@pytest.mark.parametrize(("codes", "expected"), [
    ((), 0),
    ((exitcodes.REFUSED,), 4),
    ((exitcodes.REFUSED, exitcodes.NETWORK), 5),
    ((exitcodes.TIMEOUT, exitcodes.REFUSED), 3),
    ((exitcodes.NETWORK, exitcodes.USAGE), 2),
    ((exitcodes.EXPECTATION, exitcodes.REFUSED), 4),
    ((exitcodes.EXPECTATION,), 1),
    ((exitcodes.NO_ENGINE, exitcodes.EXPECTATION), 6),  # another engine held the accounts
    ((exitcodes.NO_ENGINE, exitcodes.REFUSED), 4),
    ((0,), 1),  # a failure without a code of its own
])
def test_exit_status_is_the_worst_failure(codes, expected):
    findings = _fails(*codes)
    assert exit_status(findings) == expected
    err = report.failure(findings)
    if expected == 0:
        assert err is None
    else:  # the error raised gives the same status through the one CLI mapping
        assert err is not None
        assert exit_code(err) == expected
        assert "check(s) failed" in str(err)


def test_warnings_alone_exit_0():
    assert exit_status([warn("tls", "expires soon", "renew")]) == 0


def test_render_puts_the_fix_under_each_problem():
    text = report.render([ok("config", "fine"), fail("dns", "no such host", "fix the name", 5)])
    assert text.splitlines() == [
        "ok    config  fine",
        "FAIL  dns     no such host",
        "              fix: fix the name",
    ]
    assert fail("x", "y", "z", 5).as_row() == {"check": "x", "status": "fail",
                                               "detail": "y", "fix": "z"}


def test_cli_json_lists_every_check(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "me"\nuri = "sip:me@127.0.0.1"\n')
    config.chmod(0o600)
    code, out, err = run_command("doctor", capsys, config, "--json")
    rows = json.loads(out)
    assert code == 0, (out, err)
    assert [r["check"] for r in rows] == ["python", "pjsua2", "config", "secrets",
                                          "registrar", "stun", "audio", "terminal", "socket"]
    assert all(set(r) == {"check", "status", "detail", "fix"} for r in rows)
    assert all(r["status"] == "ok" for r in rows), rows


def test_cli_bad_config_exits_2_with_file_and_line(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[[accounts]]\nid = \n")
    config.chmod(0o600)
    code, out, err = run_command("doctor", capsys, config)
    assert code == 2
    assert out.startswith("ok    python")
    assert f"FAIL  config    {config}:2" in out
    assert "fix: " in out
    assert "doctor: 1 check(s) failed: config" in err
    assert "Traceback" not in out + err


def test_cli_unknown_account_is_a_usage_failure(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "me"\nuri = "sip:me@127.0.0.1"\n')
    config.chmod(0o600)
    code = run_command("doctor", capsys, config, "--account", "nobody")[0]
    assert code == 2
    assert run_command("doctor", capsys, config, "--timeout", "-1")[0] == 2


def _rx(text: str, at: float) -> TraceEntry:
    return TraceEntry(at, "rx", "UDP", "127.0.0.1:5060", text)


def _answer(method: str, date: float | None) -> str:
    dated = f"Date: {formatdate(date, usegmt=True)}\r\n" if date is not None else ""
    return f"SIP/2.0 200 OK\r\nCSeq: 1 {method}\r\n{dated}Content-Length: 0\r\n\r\n"


@pytest.mark.parametrize(("skew", "status"), [(0, Status.OK), (30, Status.WARN),
                                              (-600, Status.FAIL)])
def test_clock_offset_from_the_date_header(skew, status):
    now = float(int(time.time()))  # Date has whole seconds
    found = sipcheck.clock([_rx(_answer("REGISTER", now + skew), now)])
    assert found.status is status, found
    if skew:
        assert f"{abs(skew)} s" in found.detail


def test_clock_without_a_date_header_is_not_measured():
    found = sipcheck.clock([_rx(_answer("OPTIONS", None), time.time()),
                            _rx(_answer("INVITE", time.time() + 999), time.time())])
    assert found.status is Status.OK
    assert "not measured" in found.detail


def test_stun_public_address_on_loopback_is_no_nat():
    with StunServer() as server:
        found = stun.stun((server.address,))
    assert found.status is Status.OK, found
    assert "public address 127.0.0.1:" in found.detail
    assert "no NAT" in found.detail


def test_stun_server_that_never_answers_fails(monkeypatch):
    monkeypatch.setattr(stun, "TRIES", (0.05, 0.1))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        found = stun.stun((f"127.0.0.1:{silent.getsockname()[1]}",))
    assert found.status is Status.FAIL
    assert found.code == exitcodes.NETWORK


def test_stun_not_configured_is_ok():
    assert stun.stun(()).status is Status.OK


def test_control_socket_directory_checks(tmp_path):
    runtime = tmp_path / "run" / "tuiphone"
    sock = runtime / "control.sock"
    assert machine.control_socket(sock).status is Status.OK  # not made yet
    runtime.mkdir(parents=True, mode=0o755)
    runtime.chmod(0o755)
    found = machine.control_socket(sock)
    assert found.status is Status.FAIL
    assert found.fix == f"chmod 700 {runtime}"
    assert found.code == exitcodes.USAGE
    runtime.chmod(0o700)
    assert machine.control_socket(sock).status is Status.OK
    assert machine.control_socket(sock, uid=os.getuid() + 1).status is Status.FAIL
    sock.write_text("")  # a plain file where the socket goes
    assert "is not a socket" in machine.control_socket(sock).detail


def test_control_socket_that_others_can_reach(tmp_path):
    runtime = tmp_path / "tuiphone"
    runtime.mkdir(mode=0o700)
    path = runtime / "control.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        path.chmod(0o666)
        found = machine.control_socket(path)
        assert found.status is Status.FAIL
        assert found.fix == f"chmod 600 {path}"
        path.chmod(0o600)
        assert machine.control_socket(path).status is Status.OK


@pytest.mark.parametrize(("env", "status", "words"), [
    ({"TERM": "xterm-256color"}, Status.OK, "256 colours"),
    ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, Status.OK, "kitty graphics"),
    ({"TERM": "vt100"}, Status.WARN, "mono theme"),
    ({"TERM": "xterm", "NO_COLOR": "1"}, Status.OK, "NO_COLOR"),
    ({}, Status.WARN, "TERM is not set"),
    ({"TERM": "no-such-terminal"}, Status.WARN, "unknown to terminfo"),
])
def test_terminal(env, status, words):
    found = machine.terminal(env)
    assert found.status is status, found
    assert words in found.detail


def test_audio_files_mode_needs_its_file(tmp_path):
    from tuiphone.model.backend import MediaSettings

    missing = MediaSettings(mode="files", play_file=str(tmp_path / "no.wav"))
    assert machine.audio(missing, None).code == exitcodes.USAGE
    assert machine.audio(MediaSettings(), None).status is Status.OK
    assert "files" in machine.audio(MediaSettings(), "files").detail  # the engine's mode


def test_route_with_a_loopback_bind_address_cannot_reach_a_far_host():
    hop = Hop("udp", "127.0.0.2", 5060, "127.0.0.2")
    assert netpath.route(hop, "127.0.0.1").status is Status.OK
    assert netpath.route(hop, None).status is Status.OK
    assert not netpath._can_reach("127.0.0.1", "198.18.0.2", "198.18.0.1")
    assert netpath._can_reach("0.0.0.0", "198.18.0.2", "198.18.0.1")
    assert netpath._can_reach("198.18.0.2", "198.18.0.2", "198.18.0.1")


def test_dns_of_an_invalid_domain_is_never_asked():
    account = AccountConfig(id="a", uri="sip:a@pbx.invalid", registrar="sip:pbx.invalid")
    hops, found = netpath.dns(account, "sip:pbx.invalid", ("198.18.0.53",))
    assert hops == []
    assert found.code == exitcodes.NETWORK  # at once: no resolver is waited for


def test_tls_is_not_checked_on_udp():
    account = AccountConfig(id="a", uri="sip:a@h", registrar="sip:h", transport=Transport.UDP)
    found = tlscheck.tls(account, Hop("udp", "127.0.0.1", 5060, "127.0.0.1"))
    assert found.status is Status.OK
    assert "not used" in found.detail



def test_tls_with_a_missing_ca_file_is_a_config_failure(tmp_path):
    account = AccountConfig(id="a", uri="sip:a@h", registrar="sip:h;transport=tls",
                            transport=Transport.TLS, ca_file=str(tmp_path / "none.pem"))
    found = tlscheck.tls(account, Hop("tls", "127.0.0.1", 5061, "127.0.0.1"))
    assert found.status is Status.FAIL
    assert found.code == exitcodes.USAGE
    assert "does not exist" in found.detail


async def test_from_the_shell_it_reports_the_front_ends_registration(tmp_path):
    """In the shell or the TUI the front end's engine is used; REGISTER is not sent."""
    from tuiphone.commands.runner import run_line
    from tuiphone.engine.fake import FakeBackend
    from tuiphone.engine.phone import Phone
    from tuiphone.engine.setup import EngineSetup

    registrar = "sip:registrar@127.0.0.1:5999"  # the fake backend pings user@host only
    config = tmp_path / "config.toml"
    config.write_text(f'[[accounts]]\nid = "w"\nuri = "sip:w@127.0.0.1"\n'
                      f'registrar = "{registrar}"\n')
    config.chmod(0o600)
    backend = FakeBackend()
    phone = Phone(EngineSetup(accounts=(AccountConfig(id="w", uri="sip:w@127.0.0.1",
                                                      registrar=registrar),)), backend)
    await phone.start()
    try:
        await phone.register("w", 5)
        rows = await run_line(phone, f"doctor --config {config} --json")
    finally:
        await phone.stop()
    checks = {r["check"]: r for r in rows}
    assert checks["options"]["status"] == "ok"
    assert checks["register"]["status"] == "ok"
    assert "not sent again" in checks["register"]["detail"]


def test_audio_device_mode_names_a_missing_device(monkeypatch):
    import sys

    from tests.sip import fake_sounddevice
    from tuiphone.model.backend import MediaSettings

    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    good = machine.audio(MediaSettings(mode="device", output="headset"), None)
    assert good.status is Status.OK
    assert "2 input(s), 2 output(s)" in good.detail
    bad = machine.audio(MediaSettings(mode="device", input="usb"), None)
    assert bad.status is Status.WARN
    assert "no input devices match 'usb'; input devices: 0: default, 1: Fake Headset" in bad.detail
    assert "audio devices" in bad.fix
