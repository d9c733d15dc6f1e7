"""``[accounts.files]``: the upload server and limits of file sharing, and the key vault."""

from __future__ import annotations

import stat

import pytest

from tuiphone.config.file_keys import WRAP_NAME, FileKeyVault
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.config.secrets import SecretError
from tuiphone.model.files import MAX_SIZE_DEFAULT, Cipher, FileConfig, UploadKind

HEAD = '[[accounts]]\nid = "a"\nuri = "sip:a@x"\n[accounts.features]\nfile_sharing = true\n'


def test_defaults_and_every_key(load_text):
    config = load_text(HEAD + '[accounts.files]\nserver = "https://ft.example/hft.php"\n')
    files = config.accounts[0].files
    assert files == FileConfig(server="https://ft.example/hft.php")
    assert (files.kind, files.max_size, files.allowed_types, files.auto_download,
            files.cipher) == (UploadKind.PUT, MAX_SIZE_DEFAULT, ("*/*",), True, Cipher.AES256GCM)
    assert config.warnings == ()
    config = load_text(
        HEAD + '[accounts.files]\nserver = "http://127.0.0.1:8080/upload/"\nkind = "fthttp"\n'
        'max_size_mb = 5\nallowed_types = ["image/*", "Application/PDF"]\n'
        'auto_download = false\ncipher = "linphone"\nlinphone_peers = ["sip:b@x"]\n')
    files = config.accounts[0].files
    assert files.kind is UploadKind.FTHTTP
    assert files.max_size == 5 * 2**20
    assert files.allowed_types == ("image/*", "application/pdf")
    assert files.allows("image/png")
    assert files.allows("application/pdf; q=1")
    assert not files.allows("text/html")
    assert not files.auto_download
    assert files.cipher is Cipher.LINPHONE
    assert files.linphone_peers == ("sip:b@x",)


def test_sharing_without_a_server_warns(load_text):
    config = load_text(HEAD)
    assert [w.split(": ", 2)[1:] for w in config.warnings] == [[
        "accounts[0].files", "features.file_sharing is on but no [accounts.files] server is "
        "set: files can be received, not sent"]]


def test_bad_values_are_errors_with_their_place(problems_of):
    problems = problems_of(HEAD + '[accounts.files]\nserver = "ftp://x"\nkind = "scp"\n'
                           'max_size_mb = 0\nallowed_types = ["image"]\ncolour = 1\n')
    assert [p.split(": ", 2)[1] for p in problems] == [
        "accounts[0].files.server", "accounts[0].files.kind",
        "accounts[0].files.max_size_mb", "accounts[0].files.allowed_types",
        "accounts[0].files.colour"]


def test_the_vault_wraps_keys_with_a_key_from_the_secret_store(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    store = SecretStore(tmp_path / "s.json.enc")
    vault = FileKeyVault(tmp_path / "keys", store)
    key = b"K" * 44
    vault.put("ab" * 16, key)
    on_disk = (tmp_path / "keys" / ("ab" * 16)).read_bytes()
    assert key not in on_disk
    assert stat.S_IMODE((tmp_path / "keys" / ("ab" * 16)).stat().st_mode) == 0o600
    assert store.names() == (WRAP_NAME,)
    assert FileKeyVault(tmp_path / "keys", store).get("ab" * 16) == key  # a new process
    assert vault.get("cd" * 16) is None
    (tmp_path / "keys" / ("cd" * 16)).write_bytes(on_disk)  # moved to another name
    with pytest.raises(SecretError, match="damaged"):
        vault.get("cd" * 16)
    vault.delete("ab" * 16)
    assert vault.get("ab" * 16) is None
    with pytest.raises(SecretError, match="not a file-key reference"):
        vault.get("../secrets")


def test_the_vault_needs_the_passphrase(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    vault = FileKeyVault(tmp_path / "keys", SecretStore(tmp_path / "s.json.enc"))
    with pytest.raises(SecretError, match="file sharing keeps each file's key in the secret "
                                          "store.*TUIPHONE_PASSPHRASE"):
        vault.put("ab" * 16, b"k")
