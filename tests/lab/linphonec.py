"""linphonec (Debian linphone-cli 5.1) as a chat peer: a fresh HOME and config per
process, driven through its standard input, registering at the lab's Kamailio. An
incoming message prints a ``Message received from ...`` line; waits watch its log and
never sleep. Stopped by PID."""

from __future__ import annotations

import contextlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import procs

_RECEIVED = re.compile(r"Message received from ([^\r\n]*)")


@dataclass
class Linphonec:
    workdir: Path
    user: str
    sip_port: int
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.workdir / "linphonec.log"

    @property
    def sip_log(self) -> Path:
        return self.workdir / "linphone-sip.log"

    @classmethod
    def launch(cls, binary: str, workdir: Path, registrar: tuple[str, int], domain: str,
               user: str, password: str) -> Linphonec:
        """Start, registered as ``user`` at ``registrar``. Its messages go as plain text:
        CPIM in basic chat rooms is off, and no linphonerc key turns it on (it takes the
        account-params API). Raises RuntimeError (with the log's tail) when it does not
        register."""
        lc = cls(workdir, user, procs.free_port())
        home = workdir / "home"
        (home / ".local" / "share" / "linphone").mkdir(parents=True, exist_ok=True)
        (home / ".config").mkdir(parents=True, exist_ok=True)
        rc = workdir / "linphonerc"
        host, port = registrar
        rc.write_text(linphonerc(port=lc.sip_port, host=host, reg_port=port, domain=domain,
                                 user=user, password=password,
                                 rtp=procs.free_port(), db=workdir / "chat.db"))
        argv = [binary, "-c", str(rc), "-d", "6", "-l", str(lc.sip_log)]
        lc.proc = procs.spawn(argv, lc.log_path, cwd=workdir, stdin=subprocess.PIPE,
                              env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
        try:
            procs.wait_for(lambda: "registration" in lc.sip_text().lower()
                           and "200 ok" in lc.sip_text().lower(), lc.proc, 20,
                           f"linphonec registered as {user}")
        except (RuntimeError, TimeoutError) as err:
            tail = lc.log_tail()
            lc.stop()
            raise RuntimeError(f"linphonec did not register: {err}\n{tail}") from err
        return lc

    def command(self, line: str) -> None:
        assert self.proc is not None
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def chat(self, uri: str, text: str) -> None:
        """Send ``text`` (one line) to ``uri``."""
        self.command(f"chat {uri} {text}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sip_text(self) -> str:
        try:
            return self.sip_log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def received(self) -> list[str]:
        """The rest of each ``Message received from`` line printed so far."""
        return _RECEIVED.findall(self.output())

    def wait_received(self, text: str, timeout_s: float = 20) -> None:
        assert self.proc is not None
        procs.wait_for(lambda: any(line.endswith(f": {text}") for line in self.received()),
                       self.proc, timeout_s, f"linphonec printing {text!r}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(OSError, ValueError):
                self.command("quit")
            procs.stop(self.proc)
            self.proc = None


_RC = """[sip]
sip_port={port}
sip_tcp_port=0
sip_tls_port=0
guess_hostname=0
bind_address=127.0.0.1
default_proxy=0
register_only_when_network_is_up=0

[rtp]
audio_rtp_port={rtp}

[sound]
playback_dev_id=
ringer_dev_id=
capture_dev_id=

[video]
enabled=0
display=0
capture=0

[misc]
chat_database_path={db}
{misc}
[auth_info_0]
username={user}
userid={user}
passwd={password}
realm=
domain={domain}

[proxy_0]
reg_proxy=<sip:{host}:{reg_port};transport=udp>
reg_route=<sip:{host}:{reg_port};transport=udp;lr>
reg_identity=sip:{user}@{domain}
reg_expires=60
reg_sendregister=1
publish=0
dial_escape_plus=0
"""


def linphonerc(*, port: int, rtp: int, db: Path, user: str, password: str, domain: str,
               host: str, reg_port: int, misc: str = "") -> str:
    """A linphonerc for ``user`` registering at host:reg_port (UDP), no sound devices, no
    video; ``misc`` adds lines to its [misc] section (one per line, ending in a newline)."""
    return _RC.format(port=port, rtp=rtp, db=db, user=user, password=password, domain=domain,
                      host=host, reg_port=reg_port, misc=misc)
