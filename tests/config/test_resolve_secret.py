"""Turning a SecretSpec into a password, and every way that can fail."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from tuiphone.config import SecretError, SecretKind, SecretSpec, resolve_secret
from tuiphone.config.secret_store import SecretStore


def command(code: str) -> SecretSpec:
    return SecretSpec(SecretKind.COMMAND, "work", command=(sys.executable, "-c", code))


def test_no_spec_is_no_password() -> None:
    assert resolve_secret(None) is None


def test_command_first_line_stripped() -> None:
    assert resolve_secret(command("print('  s3cret  '); print('second')")) == "s3cret"


def test_command_runs_without_a_shell() -> None:
    spec = SecretSpec(SecretKind.COMMAND, "w", command=(sys.executable, "-c",
                                                         "import sys; print(sys.argv[1])", "$HOME"))
    assert resolve_secret(spec) == "$HOME"


def test_command_non_zero_exit_hides_output() -> None:
    spec = command("import sys; print('leaked'); sys.stderr.write('leak2'); sys.exit(3)")
    with pytest.raises(SecretError) as info:
        resolve_secret(spec)
    assert "exit status 3" in str(info.value)
    assert "leak" not in str(info.value)


def test_command_missing_binary() -> None:
    spec = SecretSpec(SecretKind.COMMAND, "work", command=("/nonexistent/pw-helper",))
    with pytest.raises(SecretError, match="work: password_command '/nonexistent/pw-helper' "
                                          "not found"):
        resolve_secret(spec)


def test_command_timeout() -> None:
    with pytest.raises(SecretError, match="did not finish within 0.3 s"):
        resolve_secret(command("import time; time.sleep(30)"), timeout_s=0.3)


def test_command_printing_nothing() -> None:
    with pytest.raises(SecretError, match="printed nothing"):
        resolve_secret(command("pass"))


def test_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORK_PW", "from-env")
    assert resolve_secret(SecretSpec(SecretKind.ENV, "work", env="WORK_PW")) == "from-env"


def test_env_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORK_PW", raising=False)
    with pytest.raises(SecretError, match="environment variable WORK_PW is not set"):
        resolve_secret(SecretSpec(SecretKind.ENV, "work", env="WORK_PW"))


def test_plain() -> None:
    assert resolve_secret(SecretSpec(SecretKind.PLAIN, "w", value="pw")) == "pw"


def test_keyring_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # makes the import fail
    with pytest.raises(SecretError, match="install keyring"):
        resolve_secret(SecretSpec(SecretKind.KEYRING, "work"))


def _fake_keyring(monkeypatch: pytest.MonkeyPatch, stored: dict[tuple[str, str], str]) -> None:
    module = types.ModuleType("keyring")
    module.get_password = lambda service, name: stored.get((service, name))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)


def test_keyring_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_keyring(monkeypatch, {("tuiphone", "work"): "from-keyring"})
    assert resolve_secret(SecretSpec(SecretKind.KEYRING, "work")) == "from-keyring"


def test_keyring_without_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_keyring(monkeypatch, {})
    with pytest.raises(SecretError, match="keyring set tuiphone work"):
        resolve_secret(SecretSpec(SecretKind.KEYRING, "work"))


def test_store_with_env_passphrase(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    SecretStore(tmp_path / "s.enc").set("work", "from-store", "pass phrase")
    monkeypatch.setenv("TUIPHONE_PASSPHRASE", "pass phrase")
    spec = SecretSpec(SecretKind.STORE, "work")
    assert resolve_secret(spec, store_path=tmp_path / "s.enc") == "from-store"


def test_store_with_prompt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TUIPHONE_PASSPHRASE", raising=False)
    SecretStore(tmp_path / "s.enc").set("work", "from-store", "pp")
    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return "pp"

    spec = SecretSpec(SecretKind.STORE, "work")
    assert resolve_secret(spec, prompt=prompt, store_path=tmp_path / "s.enc") == "from-store"
    assert len(asked) == 1


def test_store_without_passphrase(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TUIPHONE_PASSPHRASE", raising=False)
    SecretStore(tmp_path / "s.enc").set("work", "x", "pp")
    with pytest.raises(SecretError, match="set TUIPHONE_PASSPHRASE"):
        resolve_secret(SecretSpec(SecretKind.STORE, "work"), store_path=tmp_path / "s.enc")


def test_store_without_entry(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match="work: no password in the secret store"):
        resolve_secret(SecretSpec(SecretKind.STORE, "work"), store_path=tmp_path / "s.enc")


def test_store_default_location(monkeypatch: pytest.MonkeyPatch) -> None:
    SecretStore().set("work", "in-data-dir", "pp")
    monkeypatch.setenv("TUIPHONE_PASSPHRASE", "pp")
    assert resolve_secret(SecretSpec(SecretKind.STORE, "work")) == "in-data-dir"


def test_keyring_backend_failure_is_a_secret_error(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("keyring")

    def broken(service: str, name: str) -> str:
        raise RuntimeError("no dbus")

    module.get_password = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    with pytest.raises(SecretError, match="work: keyring failed: RuntimeError"):
        resolve_secret(SecretSpec(SecretKind.KEYRING, "work"))
