"""A known password must never appear anywhere tuiphone writes or prints.

Alice's password sits in the encrypted secret store (``password_store = true``), Bob's in
the config file itself (0600, outside the XDG folders). With the app log at debug level
and the SIP trace log on, a broad set of commands runs against a real daemon registered
at Kamailio (and doctor once on its own private engine): every stdout and stderr, every
file under the XDG folders and the runtime folder (the database, WAL, trace log, app log,
secret store, caches), the daemon's own output, the data export and every member of the
debug bundle are searched for both passwords and the store's passphrase.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.lab import procs
from tests.lab.kamailio import USERS, Kamailio

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
PASSPHRASE = "lab-passphrase-4711"
SECRETS = {"alice": USERS["alice"], "bob": USERS["bob"], "passphrase": PASSPHRASE}


def _env() -> dict[str, str]:
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
    env["TUIPHONE_PASSPHRASE"] = PASSPHRASE
    return env


class Outputs:
    """Every command run, with what it printed."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.seen: list[tuple[str, str]] = []
        self.codes: list[int] = []

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config",
                               str(self.config), *args], env=_env(), cwd=cli.ROOT,
                              capture_output=True, text=True, timeout=120, input=stdin)
        self.seen.append((" ".join(args), done.stdout + done.stderr))
        self.codes.append(done.returncode)
        return done


@pytest.fixture
def config(kamailio: Kamailio, tmp_path: Path) -> Path:
    registrar = f'registrar = "sip:{kamailio.host}:{kamailio.port}"\n'
    path = tmp_path / "config.toml"
    path.write_text(
        '[log]\nlevel = "debug"\n'
        f'[[accounts]]\nid = "alice"\nuri = "sip:alice@{kamailio.domain}"\n{registrar}'
        'username = "alice"\npassword_store = true\n'
        '[accounts.features]\nsip_trace_log = true\nusage_counters = true\n'
        f'[[accounts]]\nid = "bob"\nuri = "sip:bob@{kamailio.domain}"\n{registrar}'
        f'username = "bob"\npassword = "{USERS["bob"]}"\n'
        '[accounts.features]\nsip_trace_log = true\n')
    path.chmod(0o600)
    return path


def _leaks(blob: bytes) -> list[str]:
    return [name for name, secret in SECRETS.items() if secret.encode() in blob]


def _files(*roots: Path) -> Iterator[Path]:
    """Every file under ``roots``."""
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file())


def test_no_output_and_no_file_ever_holds_a_password(
    config: Path, tmp_path: Path, kamailio: Kamailio
) -> None:
    out = Outputs(config)
    made = out.run("secrets", "set", "alice", stdin=USERS["alice"] + "\n")
    assert made.returncode == 0, made.stderr
    for words in (("secrets", "list"), ("--json", "secrets", "list"), ("config", "check"),
                  ("config", "path"), ("--json", "doctor", "--timeout", "10")):
        out.run(*words)
    daemon_log = tmp_path / "daemon.out"
    proc = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                        "daemon"], daemon_log, cwd=cli.ROOT, env=_env())
    bundle = tmp_path / "bundle.tar.gz"
    export = tmp_path / "export.json"
    try:
        waited = out.run("wait", "registered", "--timeout", "30")
        assert waited.returncode == 0, waited.stderr + procs.tail(daemon_log, 30)
        for words in (
            ("status",), ("--json", "status"), ("accounts",), ("--json", "accounts"),
            ("--json", "register", "--account", "bob"),
            ("--json", "call", "echo", "--expect", "answered", "--duration", "0.5"),
            ("call", f"sip:nobody@{kamailio.domain}", "--timeout", "10"),
            ("--json", "ping", f"sip:{kamailio.domain}"),
            ("--json", "trace"), ("--json", "history"), ("--json", "calls"),
            ("--json", "doctor", "--timeout", "10"), ("data", "show"),
            ("--json", "data", "export"), ("data", "export", "--out", str(export)),
            ("--json", "usage"), ("debug-bundle", "--out", str(bundle), "--since", "1h"),
        ):
            out.run(*words)
    finally:
        procs.stop(proc)  # before the files are read: everything is flushed
    failed = [words for (words, _), code in zip(out.seen, out.codes, strict=True)
              if code != 0 and "nobody" not in words and "ping" not in words]
    assert not failed, failed  # (404 and 407 exit 4: wanted, they show the error paths)
    leaks = [f"{words}: {_leaks(text.encode())}" for words, text in out.seen
             if _leaks(text.encode())]
    with tarfile.open(bundle) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            found = _leaks(data.read()) if data is not None else []
            if found:
                leaks.append(f"bundle {member.name}: {found}")
    xdg = tmp_path / "xdg"
    searched = [*_files(xdg, Path(_env()["XDG_RUNTIME_DIR"])), export, daemon_log]
    for path in searched:
        found = _leaks(path.read_bytes())
        if found:
            leaks.append(f"{path}: {found}")
    assert not leaks, "\n".join(leaks)
    names = {p.name for p in searched}
    # what was searched really was written: database, trace log, app log, store, export
    assert {"tuiphone.db", "sip-trace.log", "tuiphone.log", "export.json"} <= names, names
    assert any(n.startswith("secrets") for n in names), names
    trace = next(p for p in searched if p.name == "sip-trace.log").read_text()
    assert "REGISTER sip:" in trace
    assert "INVITE sip:" in trace
    assert "Authorization:" in trace  # the digest exchange is there, without the password
