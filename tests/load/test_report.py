"""The report of a run: checks, the JSON document, the table, the CSV rows."""

from __future__ import annotations

import csv
import io

from tuiphone.load.csvlog import COLUMNS, CsvLog
from tuiphone.load.plan import LoadPlan
from tuiphone.load.report import Run, checks, document, text
from tuiphone.load.summary import summarize
from tuiphone.load.wire import AccountUse, CallRecord, Outcome

RECORDS = [
    CallRecord(2, 1, "a", Outcome.FAILED, 101.0, 486, "Busy Here", "id2", pdd_ms=1.0),
    CallRecord(1, 0, "a", Outcome.ANSWERED, 100.0, 200, "OK", "id1", 2.0, 4.0, 2.0,
               "PCMU/8000", 100, 0, 0.2, 100, 0.0, 4.4),
]
RUN = Run(3.5, False, (AccountUse("a", "direct"),), 0.5)


def test_checks_pass_and_fail():
    summary = summarize(RECORDS)  # ASR 50 %, mean MOS 4.4
    results = checks(LoadPlan("u", min_asr=50, min_mos=4.5), summary)
    assert [(c.name, c.ok) for c in results] == [("min_asr", True), ("min_mos", False)]
    assert results[1].message == "mean MOS 4.4 is below --min-mos 4.5"
    assert checks(LoadPlan("u"), summary) == []


def test_a_mos_check_fails_without_any_mos():
    summary = summarize(RECORDS[:1])
    (result,) = checks(LoadPlan("u", min_mos=1.0), summary)
    assert not result.ok
    assert result.got is None


def test_document_shape():
    plan = LoadPlan("sip:x@192.0.2.1", calls=2, rate=2.0, concurrent=8)
    summary = summarize(RECORDS)
    doc = document(plan, summary, RECORDS, RUN, checks(plan, summary))
    assert doc["plan"]["workers"] == 1
    assert doc["plan"]["accounts"] == [{"id": "a", "mode": "direct"}]
    assert (doc["attempts"], doc["answered"], doc["asr_pct"]) == (2, 1, 50.0)
    assert doc["failed"] == {"486 Busy Here": 1}
    assert doc["rate_achieved"] == 1.0
    assert doc["cpu"] == {"total_s": 0.5, "per_call_ms": 250.0}
    assert [c["n"] for c in doc["calls"]] == [1, 2]
    assert doc["calls"][1]["cause"] == "486 Busy Here"
    assert doc["calls"][0]["outcome"] == "answered"
    assert doc["calls"][0]["loss_pct"] == 0.0
    assert set(doc["mos"]) == {"n", "min", "p50", "p95", "max", "mean"}
    table = text(doc)
    assert "ASR        50 %" in table
    assert "1  486 Busy Here" in table


def test_csv_rows():
    out = io.StringIO()
    log = CsvLog(out)
    for record in RECORDS:
        log.write(record)
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["result"] for r in rows] == ["failed", "answered"]
    assert rows[0]["code"] == "486"
    assert rows[0]["mos"] == ""
    assert rows[1]["mos"] == "4.4"
    assert rows[1]["start_epoch"] == "100.000"
