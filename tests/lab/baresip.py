"""baresip as a foreign user agent: registers to the lab Kamailio, auto-answers,
plays a tone from a WAV, dumps what it hears, and is driven over ctrl_tcp.

``Baresip.launch(binary, workdir, registrar_port, user)`` returns once the REGISTER
got its 200 (or at once with ``register=False``).
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import procs
from tests.lab.ctrl_tcp import CtrlClient
from tests.lab.tones import write_tone

READY_TIMEOUT_S = 20.0
MODULES = ("g711.so", "aufile.so", "aubridge.so", "sndfile.so")

CONFIG = """sip_listen 127.0.0.1:{sip_port}
net_interface 127.0.0.1
audio_source aufile,{tone}
audio_player aubridge,nil
audio_alert aubridge,nil
ausrc_srate 8000
auplay_srate 8000
ausrc_channels 1
auplay_channels 1
snd_path {dump}
module_path /usr/lib/baresip/modules
{modules}
module_tmp account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{ctrl_port}
"""


@dataclass(slots=True)
class Baresip:
    """One baresip process. ``ctrl`` is connected once it is up; ``dump_dir`` holds
    sndfile's WAVs (``*-dec.wav`` is what it received)."""

    binary: str
    workdir: Path
    user: str
    sip_port: int
    ctrl_port: int
    ctrl: CtrlClient | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def launch(
        cls,
        binary: str,
        workdir: Path,
        registrar_port: int | None,
        user: str = "carol",
        password: str | None = None,
        tone_hz: float = 880.0,
        auto_answer: bool = True,
    ) -> Baresip:
        """Write a HOME with config+accounts, start, connect ctrl_tcp, wait for REGISTER 200.

        ``registrar_port`` None: no registration (call it directly at ``contact``).
        Raises RuntimeError with the log tail when it does not come up.
        """
        bs = cls(binary, workdir, user, procs.free_port(), procs.free_port())
        bs._write_home(
            registrar_port, password if password is not None else f"{user}pw", tone_hz, auto_answer
        )
        bs.proc = procs.spawn(
            [binary, "-f", str(bs.confdir)],
            bs.log_path,
            cwd=workdir,
            env={"HOME": str(workdir / "home"), "PATH": "/usr/bin:/bin"},
        )
        try:
            bs._wait_ready(registered=registrar_port is not None)
        except (RuntimeError, TimeoutError, OSError) as err:
            bs.stop()
            raise RuntimeError(f"baresip did not come up: {err}\n{bs.log_tail()}") from err
        return bs

    @property
    def confdir(self) -> Path:
        return self.workdir / "home" / ".baresip"

    @property
    def dump_dir(self) -> Path:
        return self.workdir / "dump"

    @property
    def log_path(self) -> Path:
        return self.workdir / "baresip.log"

    @property
    def contact(self) -> str:
        return f"sip:{self.user}@127.0.0.1:{self.sip_port}"

    def received_wavs(self) -> list[Path]:
        """The decoder-side dumps: audio baresip received, one file per call."""
        return sorted(self.dump_dir.glob("*-dec.wav"))

    def dial(self, uri: str) -> None:
        """Start a call; raises RuntimeError if baresip refuses the command."""
        self._ok(self._client().command("dial", uri))

    def hangup(self) -> None:
        self._client().command("hangup")

    def log_tail(self, lines: int = 40) -> str:
        return procs.tail(self.log_path, lines)

    def stop(self) -> None:
        """Ask it to quit over ctrl_tcp, then stop by PID (bounded). Idempotent."""
        if self.ctrl is not None:
            with contextlib.suppress(OSError, TimeoutError, ConnectionError):
                self.ctrl.command("quit", timeout_s=2)
            self.ctrl.close()
            self.ctrl = None
        if self.proc is not None:
            procs.stop(self.proc)

    def _client(self) -> CtrlClient:
        if self.ctrl is None:
            raise RuntimeError("baresip is not running")
        return self.ctrl

    @staticmethod
    def _ok(resp: dict[str, object]) -> None:
        if not resp.get("ok"):
            raise RuntimeError(f"baresip refused: {resp.get('data')}")

    def _write_home(
        self, registrar_port: int | None, password: str, tone_hz: float, auto_answer: bool
    ) -> None:
        self.confdir.mkdir(parents=True, exist_ok=True)
        self.dump_dir.mkdir(exist_ok=True)
        tone = write_tone(self.workdir / "tone.wav", tone_hz)
        modules = "\n".join(f"module {m}" for m in MODULES)
        (self.confdir / "config").write_text(
            CONFIG.format(
                sip_port=self.sip_port,
                ctrl_port=self.ctrl_port,
                tone=tone,
                dump=self.dump_dir,
                modules=modules,
            )
        )
        (self.confdir / "accounts").write_text(
            self._account_line(registrar_port, password, auto_answer) + "\n"
        )

    def _account_line(self, registrar_port: int | None, password: str, auto: bool) -> str:
        answer = "auto" if auto else "manual"
        if registrar_port is None:
            return f"<sip:{self.user}@127.0.0.1>;regint=0;answermode={answer};audio_codecs=pcmu"
        return (
            f"<sip:{self.user}@127.0.0.1:{registrar_port}>;auth_pass={password};"
            f'outbound="sip:127.0.0.1:{registrar_port};lr";'
            f"answermode={answer};regint=300;audio_codecs=pcmu"
        )

    def _wait_ready(self, registered: bool) -> None:
        self.ctrl = self._connect_ctrl()
        if registered:
            self._wait_log_line(" 200 OK ", READY_TIMEOUT_S)

    def _connect_ctrl(self) -> CtrlClient:
        """ctrl_tcp listens a few ms after exec: retry refused connects, bounded."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            self._check_alive()
            try:
                return CtrlClient(self.ctrl_port, connect_timeout_s=2)
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
                self._wait_exit(0.05)

    def _wait_log_line(self, needle: str, timeout_s: float) -> None:
        """REGISTER_OK may fire before ctrl_tcp connects, so read the status line instead."""
        deadline = time.monotonic() + timeout_s
        while needle not in procs.tail(self.log_path, 200):
            self._check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {needle.strip()!r} in baresip's log")
            with contextlib.suppress(TimeoutError):
                self._client().wait_event("REGISTER_OK", 0.1)

    def _wait_exit(self, seconds: float) -> None:
        """Back off between connect attempts by waiting on the process itself."""
        assert self.proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(seconds)

    def _check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            raise RuntimeError("baresip exited")
