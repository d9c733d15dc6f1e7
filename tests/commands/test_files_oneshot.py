"""The config wired to the engine: ``tuiphone message --file`` as a one-shot command
(its own engine on the fake SIP backend) with a config file, a real FT-HTTP server and
the secret store in the test's XDG folders."""

from __future__ import annotations

import json

import pytest

from tests.commands.cli import run_command
from tests.support.ftserver import FtHttpServer
from tuiphone.config import load_config
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.paths import files_dir, secret_store_file
from tuiphone.config.secret_store import PASSPHRASE_ENV
from tuiphone.host.build import BACKEND_ENV, engine_setup


@pytest.fixture
def ft(tmp_path):
    server = FtHttpServer(tmp_path / "ft").start()
    yield server
    server.stop()


def _config(tmp_path, ft: FtHttpServer, sharing: bool = True):
    text = "".join(
        f'[[accounts]]\nid = "{u}"\nuri = "sip:{u}@127.0.0.1"\n'
        f"[accounts.features]\nfile_sharing = {str(sharing).lower()}\n"
        f'[accounts.files]\nserver = "{ft.url}"\nkind = "fthttp"\n' for u in ("me", "bob"))
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_the_setup_gets_the_files_folder_and_vault_only_with_sharing(tmp_path, ft):
    setup = engine_setup(load_config(_config(tmp_path, ft)), routing=False)
    assert setup.files_dir == files_dir()
    assert isinstance(setup.file_keys, FileKeyVault)
    setup = engine_setup(load_config(_config(tmp_path, ft, sharing=False)), routing=False)
    assert (setup.files_dir, setup.file_keys) == (None, None)


def test_message_file_one_shot(tmp_path, ft, capsys, monkeypatch):
    monkeypatch.setenv(BACKEND_ENV, "fake")
    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    cfg = _config(tmp_path, ft)
    src = tmp_path / "a.txt"
    src.write_text("hello file")
    code, out, err = run_command("message", capsys, cfg, "sip:bob@127.0.0.1", "--file",
                                 str(src), "--json")
    assert code == 0, err
    assert json.loads(out)["delivery"] == "sent"
    assert err == ""  # --json: no progress bar
    assert len(ft.stored()) == 1
    assert secret_store_file().exists()  # files:wrap was made on first use
    monkeypatch.delenv(PASSPHRASE_ENV)
    code, _, err = run_command("message", capsys, cfg, "sip:bob@127.0.0.1", "--file",
                               str(src))
    assert code == 2
    assert "TUIPHONE_PASSPHRASE" in err
    assert "Traceback" not in err
