"""baresip as a foreign user agent: registers to the lab Kamailio, auto-answers,
plays a tone from a WAV, dumps what it hears, and is driven over ctrl_tcp.

``Baresip.launch(binary, workdir, registrar_port, user)`` returns once the REGISTER
got its 200 (or at once with ``registrar_port=None``). In a lab namespace
(``host=far, registrar=(addr, port)``) it listens on the host's address, its ctrl_tcp
on that namespace's 127.0.0.1 (reached through a socket made there), and with
``ice=True`` it loads stun/turn/ice and sets ``medianat=ice`` plus ``stunserver``
(and ``stunuser``/``stunpass`` for TURN) on the account. ``wait_for_audio`` waits for
received audio without sleeping.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import baresip_cfg, procs
from tests.lab.baresip_cfg import MediaNat
from tests.lab.baresip_console import Console
from tests.lab.ctrl_tcp import CtrlClient
from tests.lab.net.host import Host
from tests.lab.sipwire import uri_host
from tests.lab.tones import write_tone

READY_TIMEOUT_S = 20.0


@dataclass(slots=True)
class Baresip:
    """One baresip process. ``ctrl`` is connected once it is up; ``dump_dir`` holds
    sndfile's WAVs (``*-dec.wav`` is what it received). ``netns`` is the lab host it
    runs in (None: root, on 127.0.0.1)."""

    binary: str
    workdir: Path
    user: str
    sip_port: int
    ctrl_port: int
    address: str = "127.0.0.1"
    netns: Host | None = None
    ctrl: CtrlClient | None = None
    console: Console | None = None  # with console=True: what it printed (incoming MESSAGEs)
    cons_port: int = 0
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
        *,
        host: Host | None = None,
        address: str | None = None,
        registrar: tuple[str, int] | None = None,
        ice: bool = False,
        stun: str | None = None,
        turn: tuple[str, str, str] | None = None,
        console: bool = False,
        srtp: bool = False,
        contact: str | None = None,
    ) -> Baresip:
        """Write a HOME with config+accounts, start, connect ctrl_tcp, wait for REGISTER 200.

        ``registrar_port`` None (and no ``registrar``): no registration (call it directly
        at ``contact``). In a lab ``host`` it listens on ``address`` (default: the
        host's first), registers at ``registrar`` (addr, port), and its ctrl_tcp
        listens on the namespace's 127.0.0.1, reached through a socket made there.
        ``ice``: ICE with ``stun`` ("stun:ADDR:PORT") or ``turn`` (uri, user, password).
        ``srtp``: SDES-SRTP is mandatory for its calls (``mediaenc=srtp-mand``).
        ``contact``: a SIP URI in its contact list, the one ``send_message`` writes to.
        Raises RuntimeError with the log tail when it does not come up.
        """
        addr = address or (host.addrs[0] if host else "127.0.0.1")
        ports = (host.free_port(addr), host.free_port("127.0.0.1")) if host else None
        sip_port, ctrl_port = ports or (procs.free_port(), procs.free_port())
        bs = cls(binary, workdir, user, sip_port, ctrl_port, address=addr, netns=host)
        if console and host is None:
            bs.cons_port = procs.free_port()
        if registrar is None and registrar_port is not None:
            registrar = ("127.0.0.1", registrar_port)
        secret = password if password is not None else f"{user}pw"
        bs._write_home(registrar, secret, tone_hz, auto_answer, _media_nat(ice, stun, turn),
                       srtp, contact)
        argv = [binary, "-f", str(bs.confdir)]
        env = {"HOME": str(workdir / "home"), "PATH": "/usr/bin:/bin"}
        if host is None:
            bs.proc = procs.spawn(argv, bs.log_path, cwd=workdir, env=env)
        else:
            bs.proc = host.spawn(argv, bs.log_path, cwd=workdir, env=env)
        try:
            bs._wait_ready(registered=registrar is not None)
            if bs.cons_port:
                bs.console = Console(bs.cons_port)
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
        return f"sip:{self.user}@{uri_host(self.address)}:{self.sip_port}"

    def received_wavs(self) -> list[Path]:
        """The decoder-side dumps: audio baresip received, one file per call."""
        return sorted(self.dump_dir.glob("*-dec.wav"))

    def wait_for_audio(self, seconds: float, timeout_s: float = 15.0) -> Path:
        """Until the newest received dump holds ``seconds`` of audio (8 kHz, 16 bit); returns it.

        Raises TimeoutError (or RuntimeError if baresip exits) when the audio does not come.
        """
        need = 44 + int(seconds * 8000 * 2)

        def enough() -> bool:
            wavs = self.received_wavs()
            return bool(wavs) and wavs[-1].stat().st_size >= need

        assert self.proc is not None
        procs.wait_for(enough, self.proc, timeout_s, f"{seconds} s of received audio")
        return self.received_wavs()[-1]

    def dial(self, uri: str) -> None:
        """Start a call; raises RuntimeError if baresip refuses the command."""
        self._ok(self._client().command("dial", uri))

    def send_message(self, text: str) -> None:
        """A MESSAGE to the ``contact`` it was launched with (baresip 1.0's contact
        module: "message" writes to the current contact); raises RuntimeError."""
        self._ok(self._client().command("message", text))

    def hangup(self) -> None:
        self._client().command("hangup")

    def log_tail(self, lines: int = 40) -> str:
        return procs.tail(self.log_path, lines)

    def stop(self) -> None:
        """Ask it to quit over ctrl_tcp, then stop by PID (bounded). Idempotent."""
        if self.console is not None:
            self.console.close()
            self.console = None
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
        self,
        registrar: tuple[str, int] | None,
        password: str,
        tone_hz: float,
        auto_answer: bool,
        nat: MediaNat | None,
        srtp: bool = False,
        contact: str | None = None,
    ) -> None:
        self.confdir.mkdir(parents=True, exist_ok=True)
        self.dump_dir.mkdir(exist_ok=True)
        (self.confdir / "config").write_text(
            baresip_cfg.config(
                address=self.address,
                sip_port=self.sip_port,
                ctrl=f"127.0.0.1:{self.ctrl_port}",
                tone=write_tone(self.workdir / "tone.wav", tone_hz),
                dump=self.dump_dir,
                ice=nat is not None,
                cons=f"127.0.0.1:{self.cons_port}" if self.cons_port else None,
                srtp=srtp,
                contacts=contact is not None,
            )
        )
        if contact is not None:
            (self.confdir / "contacts").write_text(f'"Peer" <{contact}>\n')
        line = baresip_cfg.account(self.user, self.address, registrar, password, auto_answer, nat)
        if srtp:
            line += ";mediaenc=srtp-mand"
        (self.confdir / "accounts").write_text(line + "\n")

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
                return CtrlClient(self.ctrl_port, connect_timeout_s=2, new_socket=self._ctrl_socket)
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
                self._wait_exit(0.05)

    def _ctrl_socket(self) -> socket.socket:
        """ctrl_tcp listens on 127.0.0.1 of baresip's own namespace: connect from there."""
        if self.netns is None:
            return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        return self.netns.socket(socket.AF_INET, socket.SOCK_STREAM)

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


def _media_nat(ice: bool, stun: str | None, turn: tuple[str, str, str] | None) -> MediaNat | None:
    if not ice:
        return None
    if turn is not None:
        return MediaNat(*turn)
    if stun is None:
        raise ValueError("ice=True needs stun='stun:ADDR:PORT' or turn=(uri, user, password)")
    return MediaNat(stun)
