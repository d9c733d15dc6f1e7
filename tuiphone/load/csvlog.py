"""``--csv FILE``: one row per call, written as each call ends (a long run can be
followed with ``tail -f``). Semicolon-separated with a header line, as SIPp writes its
statistics files; empty fields where a figure does not apply."""

from __future__ import annotations

import csv
import time
from typing import IO

from tuiphone.commands.calls.assertions import MOS_METHOD_SHORT
from tuiphone.load.wire import CallRecord
from tuiphone.model.errors import UsageError

COLUMNS = ("n", "start", "start_epoch", "worker", "account", "result", "code", "reason",
           "sip_call_id", "pdd_ms", "setup_ms", "duration_s", "codec", "rx_packets",
           "rx_lost", "loss_pct", "jitter_ms", "tx_packets", "rtt_ms", "mos", "mos_method")


class CsvLog:
    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._out = csv.writer(handle, delimiter=";", lineterminator="\n")
        self._out.writerow(COLUMNS)

    @classmethod
    def open(cls, path: str) -> CsvLog:
        """Raises UsageError when the file cannot be written."""
        try:
            return cls(open(path, "w", encoding="utf-8", newline=""))  # noqa: SIM115
        except OSError as err:
            raise UsageError(f"--csv {path}: {err.strerror}") from None

    def write(self, record: CallRecord) -> None:
        self._out.writerow(row(record))
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def row(r: CallRecord) -> list[object]:
    return [r.n, _stamp(r.started), f"{r.started:.3f}" if r.started else "", r.worker,
            r.account, r.outcome.value, r.code or "", r.reason, r.sip_call_id,
            _opt(r.pdd_ms), _opt(r.setup_ms), r.duration_s, r.codec, r.rx_packets,
            r.rx_lost, _opt(r.loss_pct), r.rx_jitter_ms if r.rx_packets else "",
            r.tx_packets, r.rtt_ms or "", _opt(r.mos), MOS_METHOD_SHORT]


def _stamp(epoch: float) -> str:
    if not epoch:
        return ""
    whole = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))
    return f"{whole}.{int(epoch % 1 * 1000):03d}"


def _opt(value: float | None) -> object:
    return "" if value is None else value
