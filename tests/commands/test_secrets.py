"""secrets list / set / rm as a user runs them: a real process, the value on standard
input or typed at a real pseudo-terminal, the store on disk; no value ever printed."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, cli_env
from tuiphone.commands.runner import run_command_line
from tuiphone.commands.socket_run import run_request
from tuiphone.config.secret_store import SecretStore, read_store_secret
from tuiphone.engine.fake import FakeBackend
from tuiphone.model.errors import UsageError

PASSWORD = "hunter2-correct-horse"


def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[[accounts]]\nid = "work"\nuri = "sip:alice@example.com"\n'
                    'registrar = "sip:example.com"\npassword_store = true\n'
                    '[[accounts]]\nid = "home"\nuri = "sip:alice@example.org"\n'
                    'registrar = "sip:example.org"\npassword_store = true\n')
    path.chmod(0o600)
    return path


def tuiphone(cfg: Path, *words: str, stdin: str = "", passphrase: str | None = "pass phrase",
             ) -> subprocess.CompletedProcess[str]:
    env = cli_env()
    if passphrase is not None:
        env["TUIPHONE_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(cfg),
                           *words], input=stdin, env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60, start_new_session=True)  # no /dev/tty


def test_set_from_stdin_then_the_config_reads_it(tmp_path):
    cfg = config(tmp_path)
    out = tuiphone(cfg, "--json", "secrets", "set", "work", stdin=PASSWORD + "\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["stored"] is True
    assert PASSWORD not in out.stdout + out.stderr
    store = SecretStore()
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert PASSWORD.encode() not in store.path.read_bytes()
    os.environ["TUIPHONE_PASSPHRASE"] = "pass phrase"
    try:
        assert read_store_secret("work") == PASSWORD
    finally:
        del os.environ["TUIPHONE_PASSPHRASE"]


def test_list_shows_names_stored_and_wanted_never_values(tmp_path):
    cfg = config(tmp_path)
    tuiphone(cfg, "secrets", "set", "work", stdin=PASSWORD + "\n")
    tuiphone(cfg, "secrets", "set", "carddav:old", stdin="x\n")
    out = tuiphone(cfg, "--json", "secrets", "list", passphrase=None)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        {"name": "carddav:old", "stored": True, "used_by_config": False},
        {"name": "home", "stored": False, "used_by_config": True},
        {"name": "work", "stored": True, "used_by_config": True},
    ]
    assert PASSWORD not in out.stdout


def test_rm_removes_and_a_second_rm_says_so(tmp_path):
    cfg = config(tmp_path)
    tuiphone(cfg, "secrets", "set", "work", stdin=PASSWORD + "\n")
    assert tuiphone(cfg, "secrets", "rm", "work").returncode == 0
    assert SecretStore().names() == ()
    again = tuiphone(cfg, "secrets", "rm", "work")
    assert again.returncode == 1
    assert "work: not in the secret store" in again.stderr


def test_wrong_passphrase_and_no_passphrase_are_clear_errors(tmp_path):
    cfg = config(tmp_path)
    tuiphone(cfg, "secrets", "set", "work", stdin=PASSWORD + "\n")
    wrong = tuiphone(cfg, "secrets", "set", "home", stdin="x\n", passphrase="nope")
    assert wrong.returncode == 2
    assert "wrong passphrase" in wrong.stderr
    none = tuiphone(cfg, "secrets", "set", "home", stdin="x\n", passphrase=None)
    assert none.returncode == 2
    assert "TUIPHONE_PASSPHRASE" in none.stderr
    empty = tuiphone(cfg, "secrets", "set", "home", stdin="\n")
    assert empty.returncode == 2
    assert "empty password" in empty.stderr
    assert "Traceback" not in wrong.stderr + none.stderr + empty.stderr
    assert SecretStore().names() == ("work",)


def _expect(fd: int, text: str, seen: bytearray) -> None:
    deadline = time.monotonic() + 30
    while text.encode() not in seen:
        assert time.monotonic() < deadline, f"never asked {text!r}; saw {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            seen += os.read(fd, 1024)
    del seen[: seen.index(text.encode()) + len(text)]


def _drain(fd: int) -> bytes:
    """What the terminal still holds; reading a pty whose child is gone ends in EIO."""
    out = b""
    try:
        while chunk := os.read(fd, 1024):
            out += chunk
    except OSError:
        pass
    return out


def test_typed_at_a_terminal_twice_with_a_new_passphrase(tmp_path):
    cfg = config(tmp_path)
    env = cli_env()
    env.pop("TUIPHONE_PASSPHRASE", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real controlling terminal, as in a shell
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "tuiphone.cli.main", "--config",
                                   str(cfg), "secrets", "set", "work"], env)
    seen = bytearray()
    for prompt, answer in (("Password for work: ", PASSWORD), ("Again: ", PASSWORD),
                           ("secret store: ", "typed phrase"), ("Again: ", "typed phrase")):
        _expect(fd, prompt, seen)
        os.write(fd, answer.encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    shown = bytes(seen) + _drain(fd)
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert PASSWORD.encode() not in shown  # typed without echo, never printed
    assert SecretStore().get("work", "typed phrase") == PASSWORD


async def test_the_tui_line_and_the_socket_refuse_it():
    phone = FakeBackend  # never reached: refused before it runs
    with pytest.raises(UsageError, match="asks on the terminal"):
        await run_command_line(phone, "secrets list")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="control socket"):
        await run_request(phone, {"line": "secrets set work"})  # type: ignore[arg-type]
