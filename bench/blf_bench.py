"""BLF benchmark: 200 dialog-event lamps against a local Kamailio.

Run: ``python bench/blf_bench.py``. Prints JSON lines {"name", "value", "unit"}:
``blf_200_subscribe_s`` (first SUBSCRIBE until every lamp has a state) and
``blf_200_idle_cpu_pct`` (process CPU over 10 s of 500 ms ``libHandleEvents`` polls with
200 live subscriptions, the backend's idle recipe; ``baseline``: the same with no lamps).
``blf_200_subscribe_calls_s`` is the part spent inside ``subscribe()`` on the pjsip
thread. ``blf_notify_to_lamp_p99_ms`` (NOTIFY received -> LampChanged delivered on the
engine loop, 200 lamps changing at once; target <= 50 ms) runs the real engine in a
child process (``bench/blf_notify.py``). Needs /usr/sbin/kamailio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for the Kamailio fixture and harness in tests/blf

from tests.blf.kamailio_blf import running_kamailio  # noqa: E402
from tests.blf.pjharness import Stack  # noqa: E402
from tuiphone.model.lamp import LampState  # noqa: E402
from tuiphone.sip.blf.watcher import BlfWatcher  # noqa: E402

LAMPS = 200
IDLE_S = 10.0


def emit(name: str, value: float, unit: str, baseline: float | None = None) -> None:
    row: dict[str, object] = {"name": name, "value": round(value, 4), "unit": unit}
    if baseline is not None:
        row["baseline"] = round(baseline, 4)  # same process, registered, no lamps
    print(json.dumps(row), flush=True)


def bench(port: int) -> None:
    stack = Stack()
    try:
        stack.ep.audDevManager().setNoDev()  # the backend opens the null device only in calls
        carol = stack.account("carol", port)
        stack.pump_until(lambda: carol.reg_code == 200, 10)
        baseline = idle_cpu_pct(stack)
        watcher = BlfWatcher(stack.ep, carol, lambda lamp: None)
        stack.tick = watcher.poll
        known = lambda: all(  # noqa: E731
            lamp.state is not LampState.UNKNOWN for lamp in watcher.lamps().values()
        )
        start = time.perf_counter()
        for i in range(LAMPS):
            watcher.subscribe(f"sip:user{i}@127.0.0.1:{port}")
        emit("blf_200_subscribe_calls_s", time.perf_counter() - start, "s")
        if not stack.pump_until(known, 60):
            raise RuntimeError("not every lamp got a state within 60 s")
        emit("blf_200_subscribe_s", time.perf_counter() - start, "s")
        emit("blf_200_idle_cpu_pct", idle_cpu_pct(stack), "%", baseline)
        watcher.close()
    finally:
        stack.destroy()


def idle_cpu_pct(stack: Stack) -> float:
    """Process CPU while only pumping events (no lamps changing)."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < IDLE_S:
        stack.ep.libHandleEvents(500)
    return 100 * (time.process_time() - cpu0) / (time.perf_counter() - wall0)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, running_kamailio(
        "/usr/sbin/kamailio", Path(tmp)
    ) as kamailio:
        failure: list[BaseException] = []

        def run() -> None:
            try:
                bench(kamailio.port)
            except BaseException as err:
                failure.append(err)

        thread = threading.Thread(target=run, name="pjsip")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]
        notify = [sys.executable, str(ROOT / "bench" / "blf_notify.py"), str(kamailio.port)]
        return subprocess.run(notify, timeout=300, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
