"""``tuiphone daemon`` on the real backend, stopped while a call is up: SIGTERM ends
the call with a BYE, removes the registration and exits 0."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.lab import procs
from tests.lab.digest import send_with_auth
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.sipwire import SipMessage, UdpSipClient

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


def _env() -> dict[str, str]:
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
    return env


def _tuiphone(*args: str, timeout: float = 60) -> cli.Run:
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *args],
                          capture_output=True, text=True, env=_env(), cwd=cli.ROOT,
                          timeout=timeout, check=False)
    return cli.Run(proc.returncode, proc.stdout, proc.stderr)


def bindings(kam: Kamailio, user: str) -> list[str]:
    """The Contacts the registrar holds for ``user`` (a REGISTER without Contact asks)."""
    with UdpSipClient() as client:
        aor = f"sip:{user}@{kam.domain}"
        resp: SipMessage = send_with_auth(client, kam.host, kam.port, "REGISTER",
                                          f"sip:{kam.domain}:{kam.port}", from_uri=aor,
                                          to_uri=aor, credentials=(user, USERS[user]))
    assert resp.code == 200, resp.raw
    return [v for k, v in resp.headers if k in ("contact", "m")]


@dataclass
class Daemon:
    proc: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def lab_daemon(kamailio: Kamailio, tmp_path: Path) -> Iterator[Daemon]:
    """A real-backend daemon: alice at ``kamailio``, auto-answering; stopped by PID."""
    from tuiphone.control import socket_path

    config = tmp_path / "config.toml"
    config.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "alice"\nuri = "sip:alice@{kamailio.domain}"\n'
        f'registrar = "sip:{kamailio.host}:{kamailio.port}"\nusername = "alice"\n'
        f'password = "{USERS["alice"]}"\nauto_answer = true\n')
    config.chmod(0o600)
    log = tmp_path / "daemon.log"
    proc = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                        "daemon"], log, cwd=cli.ROOT, env=_env())
    deadline = time.monotonic() + 30
    while not socket_path().is_socket():  # bounded poll for a file another process makes
        if proc.poll() is not None or time.monotonic() > deadline:
            procs.stop(proc)
            pytest.fail(f"daemon did not start: {procs.tail(log, 30)}")
        time.sleep(0.02)
    yield Daemon(proc, log)
    procs.stop(proc)


async def test_sigterm_during_a_call_hangs_up_unregisters_and_exits_0(
        kamailio, baresip, lab_daemon):
    from tuiphone.control import socket_path

    assert _tuiphone("wait", "registered", "--timeout", "20").code == 0
    assert len(await asyncio.to_thread(bindings, kamailio, "alice")) == 1
    await asyncio.to_thread(baresip.dial, kamailio.aor("alice"))
    await baresip.ctrl.await_event("CALL_ESTABLISHED")
    assert _tuiphone("wait", "call", "connected", "--timeout", "20").code == 0

    lab_daemon.proc.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(lab_daemon.proc.wait, 30)
    log = procs.tail(lab_daemon.log, 60)
    assert code == 0, log
    await baresip.ctrl.await_event("CALL_CLOSED")  # the daemon's BYE
    assert await asyncio.to_thread(bindings, kamailio, "alice") == [], "still registered"
    assert not socket_path().exists()
    assert "Traceback" not in log, log
