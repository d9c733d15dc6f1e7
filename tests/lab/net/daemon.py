"""One server process inside a lab host: spawned there, logged to a file, stopped by PID."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import procs
from tests.lab.net.host import Host

READY_TIMEOUT_S = 20.0


@dataclass(eq=False)
class Daemon:
    """``name`` running in ``host`` with cwd ``workdir``; its output is ``<name>.log``."""

    host: Host
    workdir: Path
    name: str
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    def start(self, argv: Sequence[str], ready: Callable[[subprocess.Popen[bytes]], None]) -> None:
        """Spawn ``argv`` in the host, then ``ready(proc)`` (which raises if it is not).

        On failure the process is stopped and RuntimeError carries the log tail.
        """
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = self.host.spawn(argv, self.log_path, cwd=self.workdir)
        try:
            ready(self.proc)
        except (RuntimeError, TimeoutError, OSError) as err:
            self.stop()
            raise RuntimeError(f"{self.name} did not come up: {err}\n{self.log_tail()}") from err

    def stop(self) -> int | None:
        """SIGTERM, bounded wait, SIGKILL the group. Idempotent."""
        return procs.stop(self.proc, timeout_s=5.0) if self.proc is not None else None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return procs.tail(self.log_path, lines)
