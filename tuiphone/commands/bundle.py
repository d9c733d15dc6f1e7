"""debug-bundle: one tar.gz to attach to a bug report, written only to a local file.

Inside: README.txt (what is in it and what was left out), versions.json, status.json
(the running engine's accounts, routes and calls, if one runs), the provisioned layers
and provisioning.json (``provision status``), config.toml with every
password, passphrase, token and Authorization value redacted, the application log, and
the SIP trace (the running engine's ring as sip-trace.txt and sip-trace.pcap, else the
SIP trace log file) from the last ``--since``. Never contacts, chat bodies or files,
unless ``--with-chat`` adds the messages. Each text is redacted as the app log is.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import re
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

from tuiphone.commands.data import trace_log
from tuiphone.commands.util import opt
from tuiphone.config.paths import config_file, state_dir, trace_log_file
from tuiphone.engine.api import PhoneApi
from tuiphone.model.codec import to_jsonable
from tuiphone.model.errors import ConfigError, UsageError
from tuiphone.model.trace import TraceEntry

_SINCE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# a key that holds a secret itself (password, turn_password, passphrase...), not one
# that says where the secret is (password_env, password_command, password_store)
_SECRET_KEY = re.compile(r"^(\s*#?\s*\"?(?:[\w.-]*_)?(?:password|passphrase|secret|token)\"?"
                         r"\s*=\s*)(.+)$", re.IGNORECASE | re.MULTILINE)
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def since_seconds(text: str) -> float:
    match = _SINCE.match(text.strip())
    if match is None:
        raise UsageError(f"--since {text!r}: give a number and s, m, h or d (e.g. 1h, 2d)")
    return int(match.group(1)) * _UNITS[match.group(2)]


async def debug_bundle(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused (a local command): a running engine is asked over its socket."""
    cutoff = time.time() - since_seconds(args.since)
    engine = await _engine_view(cutoff)
    return await asyncio.to_thread(_write, args, cutoff, engine)


async def _engine_view(cutoff: float) -> dict[str, Any] | None:
    from tuiphone.control.errors import EngineNotRunning
    from tuiphone.control.remote import RemotePhone

    try:
        remote = await RemotePhone.connect()
    except (EngineNotRunning, OSError):
        return None
    try:
        trace = [e for e in await remote.trace() if e.timestamp >= cutoff]
        return {"state": to_jsonable(remote.state()), "trace": trace}
    finally:
        await remote.close()


def _write(args: argparse.Namespace, cutoff: float, engine: dict[str, Any] | None) -> Any:
    from tuiphone.config.redact import redact

    members: dict[str, bytes] = {}
    members["versions.json"] = json.dumps(versions(), indent=2).encode()
    if engine is not None:
        members["status.json"] = redact(json.dumps(engine["state"], indent=2)).encode()
        members.update(_trace_members(engine["trace"]))
    config, _ = config_file(opt(args, "config"))
    if config.exists():
        members["config.toml"] = redact_config(config.read_text(errors="replace")).encode()
    members.update(_provisioning(config))
    for log in sorted(state_dir().glob("tuiphone.log*"), reverse=True):
        members[f"log/{log.name}"] = redact(_recent_lines(log, cutoff)).encode()
    try:
        trace_file = trace_log(args)  # the configured file, not only the default place
    except ConfigError:  # a bundle is most wanted when the config is broken
        trace_file = trace_log_file(None)
    if engine is None and trace_file.exists():
        members["sip-trace-log.txt"] = redact(_recent_lines(trace_file, cutoff)).encode()
    if args.with_chat:
        members["messages.json"] = redact(_messages(cutoff)).encode()
    members = {"README.txt": _readme(members, args).encode(), **members}
    out = Path(args.out or time.strftime("tuiphone-debug-%Y%m%d-%H%M%S.tar.gz")).expanduser()
    _tar(out, members)
    return {"written": str(out), "contents": list(members)}


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from tuiphone import __version__

    try:
        wheel = version("pjsua2-python")
    except PackageNotFoundError:
        wheel = "not installed"
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        found = re.search(r'^PRETTY_NAME="?([^"\n]+)', release.read_text(), re.MULTILINE)
        os_name = found.group(1) if found else os_name
    return {"tuiphone": __version__, "python": sys.version.split()[0],
            "pjsua2-python": wheel, "os": os_name, "kernel": platform.release(),
            "terminal": " ".join(f"{k}={os.environ[k]}" for k in
                                 ("TERM", "COLORTERM", "TERM_PROGRAM", "TMUX")
                                 if os.environ.get(k))}


def _provisioning(config: Path) -> dict[str, bytes]:
    """Provisioned layers (no passwords in them) and ``provision status``, redacted."""
    from tuiphone.config.layers import layer_dir
    from tuiphone.config.redact import redact
    from tuiphone.model.codec import to_jsonable
    from tuiphone.provision.pending import status

    members = {f"provisioned/{p.name}": redact_config(p.read_text(errors="replace")).encode()
               for p in sorted(layer_dir(config).glob("*.toml"))}
    try:
        rows = status(str(config))
    except Exception:  # noqa: BLE001 - a bundle is most wanted when something is broken
        return members
    if rows:
        members["provisioning.json"] = redact(json.dumps(to_jsonable(rows), indent=2)).encode()
    return members


def redact_config(text: str) -> str:
    from tuiphone.config.redact import REDACTED, redact

    return _SECRET_KEY.sub(lambda m: m.group(1) + f'"{REDACTED}"', redact(text))


def _trace_members(entries: list[TraceEntry]) -> dict[str, bytes]:
    from tuiphone.commands.trace.pcap import write_pcap
    from tuiphone.config.redact import redact

    clean = [TraceEntry(e.timestamp, e.direction, e.transport, e.peer, redact(e.text))
             for e in entries]
    text = "".join(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(e.timestamp))} "
                   f"{e.direction.upper()} {e.transport} {e.peer}\n{e.text.rstrip()}\n\n"
                   for e in clean)
    pcap = io.BytesIO()
    write_pcap(pcap, clean)
    return {"sip-trace.txt": text.encode(), "sip-trace.pcap": pcap.getvalue()}


def _recent_lines(path: Path, cutoff: float) -> str:
    """The lines from the first one stamped at or after ``cutoff`` (logs are in order)."""
    lines = path.read_text(errors="replace").splitlines(keepends=True)
    for index, line in enumerate(lines):
        found = _STAMP.match(line)
        if found and time.mktime(time.strptime(found.group(1), "%Y-%m-%d %H:%M:%S")) >= cutoff:
            return "".join(lines[index:])
    return ""


def _messages(cutoff: float) -> str:
    from tuiphone.store.paths import default_db_path
    from tuiphone.store.store import Store

    path = default_db_path()
    if not path.exists():
        return "[]"
    store = Store(str(path))
    try:
        rows = [m for m in store.export_all()["messages"] if m.get("timestamp", 0) >= cutoff]
    finally:
        store.close()
    return json.dumps(rows, indent=2, ensure_ascii=False)


def _readme(members: dict[str, bytes], args: argparse.Namespace) -> str:
    listed = "\n".join(f"  {name} ({len(data)} bytes)" for name, data in members.items())
    chat = ("messages.json: the chat messages (you asked with --with-chat)" if args.with_chat
            else "no contacts, chat messages or files (add --with-chat for the messages)")
    return (f"tuiphone debug bundle, {time.strftime('%Y-%m-%d %H:%M:%S %z')}, "
            f"covering the last {args.since}.\n\nFiles:\n  README.txt\n{listed}\n\n"
            "Redacted: every password, passphrase, secret and token in the config, every "
            "Authorization and Proxy-Authorization value, and any password this process "
            f"resolved.\nLeft out: {chat}.\n")


def _tar(out: Path, members: dict[str, bytes]) -> None:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        now = time.time()
        for name, data in members.items():
            info = tarfile.TarInfo(f"tuiphone-debug/{name}")
            info.size, info.mtime, info.mode = len(data), int(now), 0o600
            tar.addfile(info, io.BytesIO(data))
