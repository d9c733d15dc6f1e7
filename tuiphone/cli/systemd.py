"""The daemon under systemd: sd_notify, the watchdog, journald-friendly logs, its unit.

``sd_notify`` is one datagram to ``$NOTIFY_SOCKET`` (a path, or an abstract name
written with a leading '@'), so no libsystemd is needed. With no such variable every
call here does nothing, and the daemon runs the same in a terminal.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from tuiphone.model.account import AccountState, RegState

log = logging.getLogger("tuiphone.daemon")


class Notifier:
    """Sends state lines (``READY=1``, ``STATUS=...``) to the service manager."""

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        self.address = _address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_s = _watchdog_interval(env)
        self._failed = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *lines: str) -> bool:
        """True when the manager got the datagram; a failure is logged once."""
        if self.address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                text = "\n".join(" ".join(line.split("\n")) for line in lines)  # one per field
                sock.sendto(text.encode("utf-8", "replace"), self.address)
        except OSError as err:
            if not self._failed:
                log.warning("sd_notify to %s failed: %s", os.environ.get("NOTIFY_SOCKET"), err)
            self._failed = True
            return False
        return True


def _address(value: str) -> str | bytes | None:
    if not value:
        return None
    if value.startswith("@"):
        return b"\0" + value[1:].encode()  # an abstract socket
    return value if value.startswith("/") else None


def _watchdog_interval(env: Mapping[str, str]) -> float | None:
    """Half of ``WatchdogSec``, as systemd advises; None when it is off or not for us."""
    pid = env.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 2e6 if usec > 0 else None


def status_line(accounts: Iterable[AccountState]) -> str:
    """``STATUS=`` text: each account and its registration, as ``systemctl status`` shows."""
    parts = []
    for acc in accounts:
        text = f"{acc.id} {acc.reg_state.value}"
        if acc.reg_state is RegState.FAILED and acc.code:
            text += f" ({acc.code} {acc.reason})".rstrip()
        parts.append(text)
    return "; ".join(parts) or "no accounts"


_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
             logging.CRITICAL: 2}


class _JournalFormatter(logging.Formatter):
    """``<N>name: message``: journald reads the priority and stamps the time itself."""

    def format(self, record: logging.LogRecord) -> str:
        level = _PRIORITY.get(record.levelno, 6)
        return "\n".join(f"<{level}>{record.name}: {line}"
                         for line in super().format(record).splitlines() or [""])


def setup_logging(env: Mapping[str, str] = os.environ, stream: object = None) -> None:
    """Daemon logs on stderr: with syslog priorities and no time stamps when stderr is
    the journal (``$JOURNAL_STREAM`` names it), with time stamps otherwise."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setLevel(logging.INFO)  # [log] level = "debug" is for the file, not the journal
    if _is_journal(env):
        handler.setFormatter(_JournalFormatter("%(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def _is_journal(env: Mapping[str, str]) -> bool:
    device, _, inode = env.get("JOURNAL_STREAM", "").partition(":")
    try:
        st = os.fstat(sys.stderr.fileno())
        return bool(device) and (st.st_dev, st.st_ino) == (int(device), int(inode))
    except (OSError, ValueError, AttributeError):
        return False


UNIT = """\
# tuiphone's engine with no UI: registration and calls outlive the SSH session.
# Written by `tuiphone daemon --print-unit` for this install:
#   tuiphone daemon --print-unit > ~/.config/systemd/user/tuiphone.service
#   systemctl --user daemon-reload && systemctl --user enable --now tuiphone.service
#   loginctl enable-linger "$USER"   (keep it running with no session)
[Unit]
Description=tuiphone SIP engine (control socket for the tuiphone TUI and CLI)
Documentation=man:tuiphone(1)
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start}
# READY once registered or failed; STATUS names each account's registration.
WatchdogSec=30
# SIGTERM unregisters and hangs up cleanly; pjsua2 needs a moment for that.
KillSignal=SIGTERM
TimeoutStopSec=15
Restart=on-failure
RestartSec=5
# Passwords come from password_command, the keyring or the encrypted store; a
# passphrase for the store can be given here if it must start unattended:
#Environment=TUIPHONE_PASSPHRASE=...
NoNewPrivileges=yes
PrivateTmp=yes

[Install]
WantedBy=default.target
"""


def unit_text(config: str | None, argv0: str = sys.argv[0],
              executable: str = sys.executable) -> str:
    """The unit, its ``ExecStart`` being this very install: the ``tuiphone`` script
    that runs now (pipx, uv tool, a venv made by ``make run``), else this interpreter
    with ``-m tuiphone.cli.main``; ``--config`` when one was named."""
    script = Path(argv0)
    if script.name == "tuiphone" and script.exists():
        command = [str(script.resolve())]
    else:
        command = [str(Path(executable).absolute()), "-m", "tuiphone.cli.main"]
    if config:
        command += ["--config", str(Path(config).expanduser().resolve())]
    command.append("daemon")
    return UNIT.format(exec_start=shlex.join(command).replace("%", "%%"))
