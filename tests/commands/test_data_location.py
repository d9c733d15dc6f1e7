"""data export shows which location went out on which emergency call; data erase removes it."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from tests.commands.cli import run_command
from tuiphone.config.paths import data_dir
from tuiphone.model.location import LocationUse
from tuiphone.store import Store

USE = LocationUse("c7", "work", "112", "hq-floor-3", "gateway_mac",
                  "gateway 198.18.5.1 is 02:00:5e:00:53:01", 1_700_000_000.0)
run = partial(run_command, "data")


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    db = data_dir() / "tuiphone.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        store.add_location_use(USE)
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "work"\nuri = "sip:me@127.0.0.1"\n')
    config.chmod(0o600)
    return config


def test_export_then_erase_the_locations_sent(kept: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, kept, "export", "--json")
    assert code == 0
    [row] = json.loads(out)["location_uses"]
    assert {k: row[k] for k in ("call_id", "account_id", "number", "profile", "rule", "sent")} \
        == {"call_id": "c7", "account_id": "work", "number": "112", "profile": "hq-floor-3",
            "rule": "gateway_mac", "sent": 1_700_000_000.0}
    code, out, _ = run(capsys, kept, "erase", "--yes", "--json")
    assert code == 0
    assert json.loads(out)["rows_deleted"] == 1
    with Store(data_dir() / "tuiphone.db") as store:
        assert store.export_all()["location_uses"] == []
    raw = b"".join(p.read_bytes() for p in data_dir().glob("tuiphone.db*"))
    assert b"hq-floor-3" not in raw
