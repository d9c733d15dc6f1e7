"""Ports and child processes for the lab: free loopback ports, start by argv, stop by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 right now (SIP listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((HOST, 0))
            port = tcp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind((HOST, port))
            except OSError:
                continue
            return int(port)
    raise RuntimeError("no free port pair on 127.0.0.1")


def spawn(
    argv: Sequence[str],
    log_path: Path,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: int | None = subprocess.DEVNULL,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own session with stdout+stderr appended to ``log_path``.

    Its own session lets ``stop`` kill the whole group (kamailio forks children)
    without touching anything else.
    """
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=stdin,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> int | None:
    """SIGTERM the process, wait up to ``timeout_s``, then SIGKILL its process group.

    Returns the exit code. Idempotent. The group is the session ``spawn`` created,
    so only our own processes are signalled.
    """
    if proc.poll() is None:
        _signal(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout_s)
    _kill_group(proc.pid)
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        return None
    return proc.returncode


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _kill_group(pgid: int) -> None:
    """Children that outlived their parent (kamailio workers) die with the group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file ('' if it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def udp_bound(port: int) -> bool:
    """Whether any socket on this host has UDP ``port`` bound (reads /proc/net/udp).

    Reading the table, unlike a trial bind, can never steal the port from the
    server that is about to bind it.
    """
    needle = f":{port:04X} "
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        if any(needle in line.split()[1] + " " for line in lines if len(line.split()) > 1):
            return True
    return False


def wait_udp_bound(port: int, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Wait until UDP ``port`` is bound (by ``proc``, we assume), bounded.

    For servers that must not see probe traffic (a SIPp ``-m 1`` would count it as
    a call). Backs off by waiting on the process itself, so a crash is noticed at once.
    """
    deadline = time.monotonic() + timeout_s
    while not udp_bound(port):
        if proc.poll() is not None:
            raise RuntimeError(f"process {proc.pid} exited ({proc.returncode}) before binding")
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing bound UDP port {port} within {timeout_s}s")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.02)
