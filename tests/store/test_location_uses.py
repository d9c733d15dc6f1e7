"""The record of the location each emergency call carried: kept, exported, aged out."""

from __future__ import annotations

from tuiphone.model.location import LocationUse
from tuiphone.store import Store


def use(call_id: str, sent: float) -> LocationUse:
    return LocationUse(call_id, "work", "112", "hq", "subnet", "our address 198.18.5.2/24", sent)


def test_kept_exported_and_counted(store: Store) -> None:
    store.add_location_use(use("c1", 1000.0))
    [row] = store.export_all()["location_uses"]
    assert (row["call_id"], row["profile"], row["sent"]) == ("c1", "hq", 1000.0)
    assert store.row_counts()["location_uses"] == 1


def test_retention_days_ages_them_out_with_the_calls(store: Store) -> None:
    store.add_location_use(use("old", 1000.0))
    store.add_location_use(use("new", 5000.0))
    purged = store.purge(None, before=2000.0)
    assert purged.calls == 1
    assert [r["call_id"] for r in store.export_all()["location_uses"]] == ["new"]
    assert store.erase_all() == 1
    assert store.export_all()["location_uses"] == []
