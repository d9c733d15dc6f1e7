"""The encrypted secret store: round trip, passphrase, file safety."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tuiphone.config import SecretError
from tuiphone.config.secret_store import SecretStore, store_passphrase


@pytest.fixture
def store(tmp_path: Path) -> SecretStore:
    return SecretStore(tmp_path / "data" / "secrets.json.enc")


def test_set_and_get(store: SecretStore) -> None:
    store.set("work", "s3cret", "pp")
    store.set("carddav:cloud", "other", "pp")
    assert store.get("work", "pp") == "s3cret"
    assert store.get("carddav:cloud", "pp") == "other"
    assert store.get("absent", "pp") is None


def test_names_need_no_passphrase(store: SecretStore) -> None:
    assert store.names() == ()
    store.set("b", "1", "pp")
    store.set("a", "2", "pp")
    assert store.names() == ("a", "b")


def test_wrong_passphrase(store: SecretStore) -> None:
    store.set("work", "s3cret", "right")
    with pytest.raises(SecretError, match="wrong passphrase"):
        store.get("work", "wrong")
    with pytest.raises(SecretError, match="wrong passphrase"):
        store.set("other", "x", "wrong")
    assert store.names() == ("work",)


def test_value_is_not_in_the_file(store: SecretStore) -> None:
    store.set("work", "s3cret-value", "long passphrase here")
    raw = store.path.read_bytes()
    assert b"s3cret-value" not in raw
    assert b"long passphrase here" not in raw
    assert json.loads(raw)["kdf"] == {**json.loads(raw)["kdf"], "n": 2**14, "r": 8, "p": 1}


def test_file_mode_0600_and_dir_0700(store: SecretStore) -> None:
    store.set("work", "x", "pp")
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.path.parent.stat().st_mode & 0o777 == 0o700


def test_overwrite_and_delete(store: SecretStore) -> None:
    store.set("work", "one", "pp")
    store.set("work", "two", "pp")
    assert store.get("work", "pp") == "two"
    assert store.delete("work", "pp") is True
    assert store.delete("work", "pp") is False
    assert store.names() == ()


def test_delete_needs_the_passphrase(store: SecretStore) -> None:
    store.set("work", "one", "pp")
    with pytest.raises(SecretError, match="wrong passphrase"):
        store.delete("work", "nope")
    assert store.names() == ("work",)


def test_failed_write_keeps_old_file(store: SecretStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.set("work", "old", "pp")
    before = store.path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SecretError, match="cannot write: No space left"):
        store.set("work", "new", "pp")
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == [store.path.name]


def test_values_cannot_be_swapped_between_names(store: SecretStore) -> None:
    store.set("a", "for-a", "pp")
    store.set("b", "for-b", "pp")
    doc = json.loads(store.path.read_text())
    doc["entries"]["a"], doc["entries"]["b"] = doc["entries"]["b"], doc["entries"]["a"]
    store.path.write_text(json.dumps(doc))
    with pytest.raises(SecretError, match="entry 'a' is damaged"):
        store.get("a", "pp")


@pytest.mark.parametrize("content", [b"not json", b"[]", b'{"version": 1}',
                                     b'{"version": 1, "kdf": {}, "check": {}, "entries": {}}'])
def test_damaged_file(store: SecretStore, content: bytes) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    with pytest.raises(SecretError, match="not a tuiphone secret store"):
        store.names()


def test_passphrase_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIPHONE_PASSPHRASE", "from-env")
    assert store_passphrase(lambda _: "from-prompt") == "from-env"


def test_passphrase_from_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUIPHONE_PASSPHRASE", raising=False)
    assert store_passphrase(lambda _: "from-prompt") == "from-prompt"
    with pytest.raises(SecretError, match="needs a passphrase"):
        store_passphrase(lambda _: "")
