"""Command-mode benchmarks; prints JSON lines {"name", "value", "unit", "baseline"}.

    python bench/cli_bench.py                       # cli_import_ms, socket_rtt_ms
    python bench/cli_bench.py --registrar sip:127.0.0.1:5060 --user alice --password pw
                                                    # also cli_cold_register_s (real SIP)

socket_rtt_ms runs a ``tuiphone daemon`` on the fake backend in a private
XDG_RUNTIME_DIR and times ``state`` requests over the control socket.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
sys.path.insert(0, str(ROOT))


def emit(name: str, value: float, unit: str, baseline: float | None) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit,
                      "baseline": None if baseline is None else round(baseline, 3)}),
          flush=True)


def _run_ms(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([PY, "-c", code], check=False, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def cli_import_ms(runs: int = 15) -> tuple[float, float]:
    """Median time of ``import tuiphone.cli.main`` and of ``pass`` (the baseline)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    _run_ms("import tuiphone.cli.main", env)  # warm the page cache and .pyc files
    ours = [_run_ms("import tuiphone.cli.main", env) for _ in range(runs)]
    base = [_run_ms("pass", env) for _ in range(runs)]
    return statistics.median(ours), statistics.median(base)


def cli_help_ms(runs: int = 15) -> float:
    """Median wall time of ``tuiphone --help``: the whole command table and parser load
    (``import tuiphone.cli.main`` alone defers them into ``main()``)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = "import sys; from tuiphone.cli.main import main; sys.argv[1:] = ['--help']; main()"
    _run_ms(code, env)
    return statistics.median(_run_ms(code, env) for _ in range(runs))


def completion_ms(runs: int = 15) -> float:
    """Median wall time of one Tab: ``tuiphone __complete call ""`` as a new process, no
    engine running (values from the config file). Target 50 ms in all; the baseline
    (``python -c pass``) is the floor of any Python completer."""
    tmp = tempfile.mkdtemp(prefix="tpb-comp-")
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_RUNTIME_DIR=tmp, XDG_CONFIG_HOME=tmp)
    code = ("import sys; from tuiphone.cli.main import main; "
            "sys.argv[1:] = ['__complete', 'call', '']; main()")
    _run_ms(code, env)
    return statistics.median(_run_ms(code, env) for _ in range(runs))


def _start_daemon(env: dict[str, str], sock: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([PY, "-m", "tuiphone.cli.main", "daemon"], env=env, cwd=ROOT,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not sock.is_socket():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("daemon did not start")
        time.sleep(0.02)
    return proc


async def _rtts(requests: int) -> list[float]:
    from tuiphone.control import RemotePhone

    phone = await RemotePhone.connect()
    try:
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            await phone.request("state")
            times.append((time.perf_counter() - start) * 1000)
        return times
    finally:
        await phone.close()


def socket_rtt_ms(requests: int = 300) -> float:
    """Median ``state`` round trip to a fake-backend daemon over the control socket."""
    with tempfile.TemporaryDirectory(prefix="tpb-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT), TUIPHONE_BACKEND="fake",
                   XDG_RUNTIME_DIR=tmp, XDG_DATA_HOME=tmp, XDG_STATE_HOME=tmp)
        os.environ.update(XDG_RUNTIME_DIR=tmp)
        proc = _start_daemon(env, Path(tmp) / "tuiphone" / "control.sock")
        try:
            return statistics.median(asyncio.run(_rtts(requests)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def cli_cold_register_s(registrar: str, user: str, password: str, domain: str | None = None,
                        runs: int = 5) -> float:
    """Median wall time of ``tuiphone register`` with no engine running (real pjsua2):
    process start, engine start, REGISTER with digest auth, final answer, shutdown."""
    host = domain or registrar.split(":", 1)[1].split(";")[0].rsplit(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="tpb-") as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(
            "[engine]\necho_line = false\n[[accounts]]\n"
            f'id = "bench"\nuri = "sip:{user}@{host}"\nregistrar = "{registrar}"\n'
            f'username = "{user}"\npassword_env = "TUIPHONE_BENCH_PW"\n')
        config.chmod(0o600)
        env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_RUNTIME_DIR=tmp, XDG_DATA_HOME=tmp,
                   XDG_STATE_HOME=tmp, TUIPHONE_BENCH_PW=password)
        env.pop("TUIPHONE_BACKEND", None)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([PY, "-m", "tuiphone.cli.main", "--config", str(config),
                            "register", "--timeout", "10"], check=True, env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--registrar", help="registrar URI for cli_cold_register_s")
    parser.add_argument("--user", default="alice")
    parser.add_argument("--password", default="")
    args = parser.parse_args()
    ours, base = cli_import_ms()
    emit("cli_import_ms", ours - base, "ms", base)
    emit("cli_help_ms", cli_help_ms() - base, "ms", base)
    emit("completion_ms", completion_ms(), "ms", base)
    emit("socket_rtt_ms", socket_rtt_ms(), "ms", None)
    if args.registrar:
        emit("cli_cold_register_s", cli_cold_register_s(args.registrar, args.user,
                                                         args.password), "s", None)


if __name__ == "__main__":
    main()
