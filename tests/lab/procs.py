"""Ports and child processes for the lab: free loopback ports, start by argv, stop by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A port free for both UDP and TCP on ``host`` right now (SIP listens on both).

    Call it from inside a lab namespace (``Host.free_port``) for that namespace's ports.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(50):
        with socket.socket(family, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port = tcp.getsockname()[1]
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as udp:
                    udp.bind((host, port))
            except OSError:
                continue
            return int(port)
    raise RuntimeError(f"no free port pair on {host}")


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


def kill(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """SIGKILL the process group ``spawn`` made (a crash: nobody says goodbye) and reap."""
    _kill_group(proc.pid)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout_s)


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


def udp_bound(port: int, proc_net: str = "/proc/net", addr: str | None = None) -> bool:
    """Whether any socket on this host has UDP ``port`` bound (reads /proc/net/udp).

    Reading the table, unlike a trial bind, can never steal the port from the
    server that is about to bind it. ``proc_net`` selects another namespace's view
    (``/proc/thread-self/net`` from a thread inside it); ``addr`` only counts
    sockets bound to that address (or to the wildcard).
    """
    return _in_table(port, proc_net, ("udp", "udp6"), None, addr)


def tcp_listening(port: int, proc_net: str = "/proc/net", addr: str | None = None) -> bool:
    """Whether a TCP socket is in LISTEN state on ``port`` (reads /proc/net/tcp{,6})."""
    return _in_table(port, proc_net, ("tcp", "tcp6"), "0A", addr)


def _in_table(
    port: int, proc_net: str, tables: tuple[str, ...], state: str | None, addr: str | None
) -> bool:
    wanted = None if addr is None else {_kernel_hex(addr), "0" * 8, "0" * 32}  # or wildcard
    for table in tables:
        try:
            lines = Path(proc_net, table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) < 4 or state not in (None, cols[3]):
                continue
            host, _, hexport = cols[1].partition(":")
            if int(hexport, 16) == port and (wanted is None or host in wanted):
                return True
    return False


def _kernel_hex(addr: str) -> str:
    """An address as /proc/net/{udp,tcp}{,6} prints it: 32-bit words in host order."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    packed = socket.inet_pton(family, addr)
    return "".join(f"{w:08X}" for w in struct.unpack(f"={len(packed) // 4}I", packed))


def wait_udp_bound(
    port: int,
    proc: subprocess.Popen[bytes],
    timeout_s: float,
    proc_net: str = "/proc/net",
    addr: str | None = None,
) -> None:
    """Wait until UDP ``port`` is bound (by ``proc``, we assume), bounded.

    For servers that must not see probe traffic (a SIPp ``-m 1`` would count it as
    a call). Backs off by waiting on the process itself, so a crash is noticed at once.
    """
    wait_for(lambda: udp_bound(port, proc_net, addr), proc, timeout_s, f"UDP port {port}")


def wait_tcp_listening(
    port: int,
    proc: subprocess.Popen[bytes],
    timeout_s: float,
    proc_net: str = "/proc/net",
    addr: str | None = None,
) -> None:
    """``wait_udp_bound`` for a TCP listener."""
    wait_for(lambda: tcp_listening(port, proc_net, addr), proc, timeout_s, f"TCP port {port}")


def wait_for(
    check: Callable[[], bool], proc: subprocess.Popen[bytes], timeout_s: float, what: str
) -> None:
    """Until ``check()`` is true: RuntimeError if ``proc`` exits, TimeoutError when late.

    Backs off by waiting on the process itself (20 ms), so an exit is seen at once.
    """
    deadline = time.monotonic() + timeout_s
    while not check():
        if proc.poll() is not None:
            raise RuntimeError(f"process {proc.pid} exited ({proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {timeout_s}s")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.02)
