"""``--csv FILE``: one row per call, written as each call ends (a long run can be
followed with ``tail -f``). Semicolon-separated with a header line, as SIPp writes its
statistics files; empty fields where a figure does not apply."""

from __future__ import annotations

import csv
from typing import IO

from tuiphone.commands.calls.assertions import MOS_METHOD_SHORT
from tuiphone.commands.calls.csvrow import COLUMNS, blank, stamp
from tuiphone.load.wire import CallRecord
from tuiphone.model.errors import UsageError


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
    return [r.n, stamp(r.started), f"{r.started:.3f}" if r.started else "", r.worker,
            r.account, r.outcome.value, r.code or "", r.reason, r.sip_call_id,
            blank(r.pdd_ms), blank(r.setup_ms), r.duration_s, r.codec, r.rx_packets,
            r.rx_lost, blank(r.loss_pct), r.rx_jitter_ms if r.rx_packets else "",
            r.tx_packets, r.rtt_ms or "", blank(r.mos), MOS_METHOD_SHORT]

