"""CSV rows per call, the columns SIPp's statistics files and ``load --csv`` share:
semicolon-separated, a header line, empty fields where a figure does not apply.
``call --csv FILE`` appends one row per call (the header when the file is new), so a
cron job builds one table over many runs."""

from __future__ import annotations

import csv
import os
import time
from typing import Any

from tuiphone.commands.calls.assertions import MOS_METHOD_SHORT, loss_pct
from tuiphone.model.errors import UsageError

COLUMNS = ("n", "start", "start_epoch", "worker", "account", "result", "code", "reason",
           "sip_call_id", "pdd_ms", "setup_ms", "duration_s", "codec", "rx_packets",
           "rx_lost", "loss_pct", "jitter_ms", "tx_packets", "rtt_ms", "mos", "mos_method")


def stamp(epoch: float) -> str:
    """Local time with milliseconds, as SIPp writes it ("" for no time)."""
    if not epoch:
        return ""
    whole = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))
    return f"{whole}.{int(epoch % 1 * 1000):03d}"


def blank(value: object) -> object:
    return "" if value is None else value


def report_row(rep: dict[str, Any], started: float) -> list[object]:
    """The row of one ``call`` report (no worker; PDD is not measured by ``call``)."""
    rx = rep["rx"]
    return [1, stamp(started), f"{started:.3f}", "", rep["account"], rep["result"],
            rep["status_code"] or "", rep["reason"], rep.get("sip_call_id", ""), "",
            blank(rep["setup_ms"]), rep["duration_s"], rep["codec"], rx["packets"],
            rx["lost"], blank(loss_pct(rep)), rx["jitter_ms"] if rx["packets"] else "",
            rep["tx"]["packets"], rep["rtt_ms"] or "", blank(rep["mos"]), MOS_METHOD_SHORT]


def append(path: str, row: list[object]) -> None:
    """Append ``row`` to ``path``, writing the header first into a new or empty file.
    Raises UsageError on I/O."""
    try:
        with open(path, "a", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=";", lineterminator="\n")
            if os.fstat(out.fileno()).st_size == 0:
                writer.writerow(COLUMNS)
            writer.writerow(row)
    except OSError as err:
        raise UsageError(f"--csv {path}: {err.strerror}") from err
