"""Re-provisioning in a serving engine: a changed account is swapped alone (in its place),
a failure keeps the values and is said once. A real HTTP server on 127.0.0.1, the engine
over the FakeBackend."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tuiphone.config.loader import load_config
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.host.reprovision import Reprovisioner, next_delay
from tuiphone.model.events import Notice
from tuiphone.provision.apply import Job, Source, provision
from tuiphone.provision.pending import status

FRAGMENT = '[[accounts]]\nid = "bob"\nuri = "sip:bob@127.0.0.1"\nregister_expires = {n}\n'


class Service:
    def __init__(self) -> None:
        self.body = FRAGMENT.format(n=100)
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                data = service.body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/toml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bob.toml"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service() -> Iterator[Service]:
    served = Service()
    yield served
    served.stop()


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('[engine]\necho_line = false\n[[accounts]]\nid = "local"\n'
                    'uri = "sip:me@127.0.0.1"\n[[accounts]]\nid = "bob"\nuri = "sip:x@127.0.0.1"\n')
    path.chmod(0o600)
    monkeypatch.setenv("TUIPHONE_CONFIG", str(path))
    return path


async def started(config) -> tuple[Phone, list[Notice]]:
    loaded = load_config()
    phone = Phone(EngineSetup(accounts=loaded.accounts), FakeBackend())
    await phone.start()
    seen: list[Notice] = []
    real = phone.bus.publish
    phone.bus.publish = lambda e: (seen.append(e) if isinstance(e, Notice) else None,  # type: ignore[method-assign]
                                   real(e))[1]
    return phone, seen


async def test_a_changed_account_is_swapped_alone_in_its_place(service, config):
    await provision(Job(Source(service.url), account_id="bob"))
    phone, seen = await started(config)
    try:
        local = phone.accounts.configs["local"]
        assert phone.accounts.configs["bob"].register_expires == 100
        assert phone.accounts.configs["bob"].uri == "sip:x@127.0.0.1"  # the user's wins
        service.body = FRAGMENT.format(n=200)
        reprovisioner = Reprovisioner(phone, load_config())
        assert await reprovisioner.round() is True
        assert phone.accounts.configs["bob"].register_expires == 200
        assert list(phone.accounts.configs) == ["local", "bob"]  # the default stays first
        assert phone.accounts.configs["local"] is local  # untouched
        assert seen == []
    finally:
        await phone.stop()


async def test_a_failure_keeps_the_values_and_is_said_once(service, config):
    await provision(Job(Source(service.url), account_id="bob"))
    phone, seen = await started(config)
    try:
        service.stop()
        reprovisioner = Reprovisioner(phone, load_config())
        assert await reprovisioner.round() is False
        assert await reprovisioner.round() is False
        assert len(seen) == 1
        assert seen[0].text.startswith("provisioning bob: ")
        assert "keeping the last good values" in seen[0].text
        assert phone.accounts.configs["bob"].register_expires == 100
        (row,) = status(None)
        assert row.last_error
        assert row.last_success is not None  # the last good fetch is remembered
    finally:
        await phone.stop()


def test_back_off_doubles_up_to_the_interval_and_starts_over_after_success():
    delays, retry = [], 60.0
    for _ in range(5):
        delay, retry = next_delay(False, retry, 60.0, 300.0)
        delays.append(delay)
    assert delays == [60.0, 120.0, 240.0, 300.0, 300.0]
    assert next_delay(True, retry, 60.0, 300.0) == (300.0, 60.0)
    assert next_delay(True, 60.0, 60.0, None) == (None, 60.0)  # start-up only
    assert next_delay(False, 60.0, 60.0, None) == (60.0, 120.0)  # still retried


async def test_waiting_features_are_announced_once(service, config):
    service.body = FRAGMENT.format(n=100) + "[accounts.features]\nblf = true\n"
    await provision(Job(Source(service.url), account_id="bob"))
    phone, seen = await started(config)
    try:
        reprovisioner = Reprovisioner(phone, load_config())
        assert await reprovisioner.round() is True
        assert await reprovisioner.round() is True
        assert [n.text for n in seen] == [
            "provisioning bob: 1 data feature(s) wait for your consent: provision status"]
        assert phone.accounts.configs["bob"].features.blf is False
    finally:
        await phone.stop()
