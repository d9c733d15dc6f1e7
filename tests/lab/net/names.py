"""Per-run names and subnets for the netns lab, and the sweep of dead runs' leftovers.

Every namespace and root-side veth is called ``tpl<pid>-<n>[-role]`` (pid of the
pytest process that made it), so a later run can tell whose it is. Subnets come from
198.18.0.0/15 as 511 /24s (index ``i`` in 1..511 -> ``198.18.i.0/24`` or
``198.19.(i-256).0/24``, and ``2001:db8:<i hex>::/64``); a run claims an index by creating
``/run/tpl-netlab/<i>`` with O_EXCL, which makes the choice atomic between
concurrent runs. Indices whose subnet already appears in the root namespace's
addresses or routes are skipped.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

PREFIX = "tpl"
CLAIMS = Path("/run/tpl-netlab")
SUBNETS = 512
_OWNED = re.compile(rf"^{PREFIX}(\d+)-")
_counter = itertools.count(1)


def ip(*args: str, check: bool = True) -> str:
    """Run ``ip args...`` and return stdout; raises RuntimeError with stderr on failure."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def new_name(pid: int | None = None) -> str:
    """A fresh ``tpl<pid>-<n>``: at most 15 characters, so it is a valid interface name."""
    name = f"{PREFIX}{pid or os.getpid()}-{next(_counter)}"
    if len(name) > 15:
        raise RuntimeError(f"interface name {name!r} too long")
    return name


@dataclass(frozen=True, slots=True)
class Subnet:
    """One claimed /24 + /64 pair. ``v4(k)`` is ``198.18.x.k``, ``v6(k)`` is ``2001:db8:x::k``."""

    index: int

    def v4(self, host: int) -> str:
        return f"198.{18 + self.index // 256}.{self.index % 256}.{host}"

    def v6(self, host: int) -> str:
        """In canonical (compressed) form, the way sockets and the kernel print it."""
        return str(ipaddress.IPv6Address(f"2001:db8:{self.index:x}::{host:x}"))

    @property
    def v4_prefix(self) -> str:
        return self.v4(0).rsplit(".", 1)[0] + "."

    @property
    def v6_prefix(self) -> str:
        return f"2001:db8:{self.index:x}::"

    def release(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (CLAIMS / str(self.index)).unlink()


def claim_subnet(pid: int | None = None) -> Subnet:
    """Claim a /24 + /64 nobody else uses; raises RuntimeError when all 511 are taken."""
    pid = pid or os.getpid()
    in_root = ip("-br", "addr") + ip("route") + ip("-6", "route")
    start = (pid * 37) % SUBNETS
    for offset in range(SUBNETS):
        subnet = Subnet((start + offset) % SUBNETS)
        if subnet.index == 0:  # 2001:db8:0:: would print as 2001:db8::, too broad to check
            continue
        if subnet.v4_prefix in in_root or subnet.v6_prefix[:-1] in in_root:
            continue
        if _create_claim(CLAIMS / str(subnet.index), pid):
            return subnet
    raise RuntimeError("no free 198.18.0.0/15 subnet for the netns lab")


def _create_claim(path: Path, pid: int) -> bool:
    """Atomically create ``path`` holding ``pid``; False if someone holds it already.

    The directory may vanish under us (a finishing run removes it when empty): retry.
    """
    for _ in range(5):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        except FileNotFoundError:
            continue
        with os.fdopen(fd, "w") as claim:
            claim.write(str(pid))
        return True
    raise RuntimeError(f"cannot create {path}")


def remove_claims_dir() -> None:
    """Remove the claims directory if it is empty (other runs may still hold claims)."""
    with contextlib.suppress(OSError):
        CLAIMS.rmdir()


def owner_pid(name: str) -> int | None:
    """The pid encoded in one of our names, None for names that are not ours."""
    match = _OWNED.match(name)
    return int(match[1]) if match else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep() -> list[str]:
    """Remove root veths, namespaces, claims and /etc/netns dirs of runs whose pid is dead.

    Root veths go first: deleting a namespace removes its veths only asynchronously.
    Processes still inside such a namespace are SIGKILLed by PID first (they were
    started by that run). Returns what was removed, for the log. Safe to run while
    other runs are live: only names whose owner pid is dead are touched.
    """
    removed: list[str] = []
    for line in ip("-br", "link").splitlines():
        dev = line.split()[0].split("@")[0] if line.strip() else ""
        if _dead_owner(dev):
            ip("link", "del", dev, check=False)
            removed.append(f"link {dev}")
    for ns in ip("netns", "list").split():
        if _dead_owner(ns):
            for pid in ip("netns", "pids", ns, check=False).split():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), 9)
            ip("netns", "del", ns, check=False)
            removed.append(f"netns {ns}")
    removed += _sweep_files(CLAIMS.glob("*"), _claim_owner)
    removed += _sweep_files(Path("/etc/netns").glob(f"{PREFIX}*"), lambda p: owner_pid(p.name))
    return removed


def _claim_owner(path: Path) -> int | None:
    text = path.read_text().strip()
    return int(text) if text else None


def _dead_owner(name: str) -> bool:
    pid = owner_pid(name)
    return pid is not None and not pid_alive(pid)


def _sweep_files(paths: Iterable[Path], owner: Callable[[Path], int | None]) -> list[str]:
    out: list[str] = []
    for path in paths:
        with contextlib.suppress(OSError, ValueError):
            pid = owner(path)
            if pid and not pid_alive(pid):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                out.append(str(path))
    return out
