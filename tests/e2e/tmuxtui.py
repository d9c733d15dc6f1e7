"""Drive a terminal program in a private tmux server and read its screen.

Every server has its own socket name (``tmux -L``), runs with an environment built
from scratch (isolated HOME and XDG dirs) and is killed, with the program, by PID at
``stop()``. Waits poll ``capture-pane`` for a condition with a bounded deadline.

The program runs under a one-line ``sh`` that prints ``[exited N]`` when it ends: tmux
3.3 sometimes leaves a dead pane's process unreaped (a zombie, no
``pane_dead_status``), while the shell always collects the status and shows it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

WAIT_S = 20.0
POLL_S = 0.1
WIDTH, HEIGHT = 120, 40
# The wrapper's line, or tmux's own remain-on-exit notice when the wrapper's output
# is lost with the alternate screen (seen in CI with tmux 3.3a).
EXITED = re.compile(r"^\[exited (\d+)\]$|Pane is dead \(status (\d+)", re.MULTILINE)
WRAPPER = '"$@"; echo "[exited $?]"'

# remain-on-exit: the pane stays after the program ends, so its last screen can be
# read; no tmux status line, so the pane is the whole WIDTHxHEIGHT.
TMUX_CONF = "set -g remain-on-exit on\nset -g status off\nset -g history-limit 2000\n"


class ScreenError(AssertionError):
    """A wait or check on the screen failed; the message carries the capture."""


class TmuxTui:
    """One program in one pane of one private tmux server."""

    def __init__(self, tmux: str, workdir: Path, env: Mapping[str, str]) -> None:
        self.tmux = tmux
        self.workdir = workdir
        self.env = dict(env)
        self.socket = f"tp-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.server_pid: int | None = None
        self.socket_path: Path | None = None
        self.shell_pid: int | None = None
        self.pid: int | None = None  # the program itself
        self.last_screen = ""

    # -- lifecycle -----------------------------------------------------------------

    def start(self, argv: Sequence[str]) -> None:
        """Start ``argv`` in a detached WIDTHxHEIGHT session; find the program's PID."""
        conf = self.workdir / "tmux.conf"
        conf.write_text(TMUX_CONF)
        env_args = [a for k, v in self.env.items() for a in ("-e", f"{k}={v}")]
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        command = ["/bin/sh", "-c", WRAPPER, "e2e", *argv]
        self._tmux(
            "-f", str(conf), "new-session", "-d", "-s", "e2e", *size, *env_args, "--", *command
        )
        self.server_pid = int(self.pane_info("#{pid}"))
        self.socket_path = Path(self.pane_info("#{socket_path}"))
        self.shell_pid = int(self.pane_info("#{pane_pid}"))
        self.pid = self._wait_child(self.shell_pid)

    def stop(self) -> None:
        """Kill the server, the shell and the program by PID (bounded), remove the
        server's socket. Idempotent."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._tmux("kill-server", timeout_s=5)
        for pid in (self.pid, self.shell_pid, self.server_pid):
            if pid is not None:
                _kill_pid(pid)
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)

    # -- screen --------------------------------------------------------------------

    def capture(self) -> str:
        """The visible screen as text (no colours), trailing blank lines dropped."""
        self.last_screen = self._tmux("capture-pane", "-p", "-t", "e2e").rstrip("\n")
        return self.last_screen

    def pane_info(self, fmt: str) -> str:
        return self._tmux("display-message", "-p", "-t", "e2e", fmt)

    def send_text(self, text: str) -> None:
        self._tmux("send-keys", "-t", "e2e", "-l", text)

    def send_key(self, key: str) -> None:
        """A tmux key name: ``Enter``, ``F3``, ``C-q``."""
        self._tmux("send-keys", "-t", "e2e", key)

    def exit_code(self) -> int | None:
        """The program's exit code once the wrapper printed it, else None."""
        found = EXITED.search(self.last_screen)
        if not found:
            return None
        return int(found.group(1) or found.group(2))

    def wait_for(
        self,
        what: str,
        check: str | re.Pattern[str] | Callable[[str], bool],
        timeout_s: float = WAIT_S,
    ) -> str:
        """Poll the screen until ``check`` holds (substring, regex or predicate); bounded.

        Fails at once if the program ended or printed a traceback.
        """
        test = _as_predicate(check)
        deadline = time.monotonic() + timeout_s
        while True:
            screen = self.capture()
            if test(screen):
                return screen
            if "Traceback (most recent call last)" in screen:
                self.fail(f"traceback on screen while waiting for {what}")
            if self.exit_code() is not None:
                self.fail(f"the program exited while waiting for {what}")
            if time.monotonic() > deadline:
                alive = "runs" if self.pid is not None and pid_alive(self.pid) else "is gone"
                self.fail(f"no {what} on screen within {timeout_s:.0f}s (pid {self.pid} {alive})")
            time.sleep(POLL_S)  # paces the polling; the condition is what we wait on

    def wait_exit(self, timeout_s: float = WAIT_S) -> int:
        """Wait for the wrapper's ``[exited N]`` line and the program's PID to be gone."""
        self.wait_for("the program's exit", EXITED, timeout_s)
        code = self.exit_code()
        assert code is not None
        if self.pid is not None and not wait_pid_gone(self.pid, timeout_s):
            self.fail(f"exited {code} but pid {self.pid} still runs")
        return code

    def fail(self, message: str) -> None:
        """Raise with the last screen, also saved as ``screen.txt`` in the workdir."""
        path = self.workdir / "screen.txt"
        path.write_text(self.last_screen + "\n")
        raise ScreenError(f"{message}\n--- screen (saved to {path}) ---\n{self.last_screen}")

    def _wait_child(self, parent: int, timeout_s: float = WAIT_S) -> int:
        """The PID of ``parent``'s child (the shell forks the program at once); bounded."""
        deadline = time.monotonic() + timeout_s
        while True:
            kids = _children(parent)
            if kids:
                return kids[0]
            if time.monotonic() > deadline or not pid_alive(parent):
                self.capture()
                self.fail(f"the wrapper shell {parent} started no program")
            time.sleep(0.02)  # paces the polling of /proc

    def _tmux(self, *args: str, timeout_s: float = 10.0) -> str:
        proc = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout_s,
            check=False,
        )
        if proc.returncode != 0:
            raise subprocess.SubprocessError(
                f"tmux {' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()}"
            )
        return proc.stdout.rstrip("\n") if args[0] != "capture-pane" else proc.stdout


def _as_predicate(check: str | re.Pattern[str] | Callable[[str], bool]) -> Callable[[str], bool]:
    if isinstance(check, str):
        return lambda screen: check in screen
    if isinstance(check, re.Pattern):
        return lambda screen: check.search(screen) is not None
    return check


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text.rsplit(")", 1)[-1].split()


def _children(parent: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[1] == str(parent):
                kids.append(int(entry.name))
    return kids


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper counts as gone)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def wait_pid_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # paces the polling of /proc
    return True


def _kill_pid(pid: int) -> None:
    """SIGTERM, bounded wait, SIGKILL: only this PID, which this helper started."""
    if not pid_alive(pid):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
    if wait_pid_gone(pid, 5.0):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    wait_pid_gone(pid, 5.0)
