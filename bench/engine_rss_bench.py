"""engine_rss_mb: the resident memory of a ``tuiphone daemon`` (real pjsua2) holding 8
registered accounts and 200 BLF lamps, against a local Kamailio. A figure to watch for
regressions; ``baseline`` is the same daemon in the same run with one account and no
lamps, so the difference is what accounts and lamps cost.

Run: ``python bench/engine_rss_bench.py``. Prints JSON lines. Needs /usr/sbin/kamailio.
Kamailio and the daemons are stopped by PID.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab import procs  # noqa: E402
from tests.lab.kamailio import Kamailio  # noqa: E402

ACCOUNTS = 8  # PJSUA_MAX_ACC: the most one engine holds (no echo line)
LAMPS = 200
READY_S = 90.0


def log(msg: str) -> None:
    print(f"engine_rss_bench: {msg}", file=sys.stderr, flush=True)


def config(kam: Kamailio, path: Path, accounts: int, lamps: int) -> Path:
    lines = ["[engine]", "echo_line = false", "[audio]", 'mode = "null"']
    for n in range(accounts):
        lines += ["[[accounts]]", f'id = "u{n}"', f'uri = "{kam.aor(f"user{n}")}"',
                  f'registrar = "{kam.registrar_uri}"', 'transport = "udp"']
        if n == 0 and lamps:
            lines += ["[accounts.features]", "blf = true"]
    for i in range(lamps):
        lines += ["[[quickdial]]", f'label = "lamp{i:03d}"', f'uri = "{kam.aor(f"lamp{i:03d}")}"',
                  "blf = true"]
    path.write_text("\n".join(lines) + "\n")
    return path


class Daemon:
    def __init__(self, work: Path, cfg: Path) -> None:
        self.env = dict(os.environ, PYTHONPATH=str(ROOT), TUIPHONE_CONFIG=str(cfg))
        self.env.pop("TUIPHONE_BACKEND", None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            (work / var.lower()).mkdir(parents=True, exist_ok=True)
            self.env[var] = str(work / var.lower())
        run = work / "run"
        run.mkdir(mode=0o700, exist_ok=True)
        self.env["XDG_RUNTIME_DIR"] = str(run)
        self.proc = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "daemon"],
                                work / "daemon.log", cwd=ROOT, env=self.env)
        self.log = work / "daemon.log"

    def tuiphone(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *args], env=self.env,
                              cwd=ROOT, capture_output=True, text=True, timeout=60)

    def ready(self, accounts: int, lamps: int) -> None:
        """Every account registered and every lamp with a state, or RuntimeError."""
        done = self.tuiphone("wait", "registered", "--timeout", "30")
        if done.returncode != 0:
            raise RuntimeError(f"not registered: {done.stderr.strip()}\n{procs.tail(self.log)}")
        deadline = time.monotonic() + READY_S
        while True:  # another process's state: poll it, bounded
            listed = json.loads(self.tuiphone("--json", "accounts").stdout or "[]")
            regs = sum(a.get("reg_state") == "registered" for a in listed)
            got = json.loads(self.tuiphone("--json", "lamps").stdout or "[]")
            lit = sum(lamp.get("state") not in ("unknown", "failed") for lamp in got)
            if regs >= accounts and lit >= lamps:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{regs}/{accounts} registered, {lit}/{lamps} lamps lit")
            time.sleep(0.5)

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines()
                  if line.startswith("VmRSS:"))
        return kb / 1024.0

    def stop(self) -> None:
        procs.stop(self.proc)


def measure(kam: Kamailio, work: Path, accounts: int, lamps: int) -> float:
    work.mkdir(parents=True)
    daemon = Daemon(work, config(kam, work / "config.toml", accounts, lamps))
    try:
        daemon.ready(accounts, lamps)
        time.sleep(2.0)  # settle: start-up garbage collected, caches warm
        return daemon.rss_mb()
    finally:
        daemon.stop()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="tp-rss-"))
    kam = Kamailio.launch(shutil.which("kamailio") or "/usr/sbin/kamailio", work / "kam",
                          auth=False)
    try:
        base = measure(kam, work / "one", 1, 0)
        full = measure(kam, work / "full", ACCOUNTS, LAMPS)
    finally:
        kam.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"name": "engine_rss_mb", "value": round(full, 1), "unit": "MB",
                      "baseline": round(base, 1), "accounts": ACCOUNTS, "lamps": LAMPS,
                      "method": "VmRSS of 'tuiphone daemon' (pjsua2) once every account is "
                                "registered and every BLF lamp lit, 2 s settled; baseline: "
                                "the same daemon with 1 account and no lamps"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
