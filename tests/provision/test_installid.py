"""%installid%: one random id per installation, kept 0600, gone with data erase."""

from __future__ import annotations

from tests.cli.conftest import tuiphone
from tuiphone.provision.apply import Source
from tuiphone.provision.installid import install_id_file


def test_one_id_filled_only_when_asked_and_erased_with_the_data():
    assert "installid" not in Source("https://p.test/?u=%username%").values()
    assert not install_id_file().exists()
    first = Source("https://p.test/?i=%installid%").values()["installid"]
    again = Source("https://p.test/", post_data="i=%installid%").values()["installid"]
    assert first == again
    assert len(first) == 32
    assert install_id_file().stat().st_mode & 0o777 == 0o600
    run = tuiphone("data", "erase", "--yes")
    assert run.code == 0, run.err
    assert not install_id_file().exists()
    assert Source("https://p.test/?i=%installid%").values()["installid"] != first
