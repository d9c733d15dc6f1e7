"""pytest fixtures for the SIP lab. Import them into a conftest to use them elsewhere:
``from tests.lab.fixtures import kamailio, kamailio_factory, baresip_factory, sipp_factory``.

Every process is stopped by PID at teardown, even when the test fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest

from tests.conftest import need_binary
from tests.lab.baresip import Baresip
from tests.lab.kamailio import Kamailio
from tests.lab.nginx import Nginx
from tests.lab.sipp import Sipp


class _Stoppable(Protocol):
    def stop(self) -> object: ...


S = TypeVar("S", bound=_Stoppable)


class _Stack:
    """Things to stop at teardown, newest first; a failing stop never hides the others."""

    def __init__(self) -> None:
        self.items: list[_Stoppable] = []

    def push(self, item: S) -> S:
        self.items.append(item)
        return item

    def close(self) -> None:
        for item in reversed(self.items):
            with contextlib.suppress(Exception):  # keep stopping the rest
                item.stop()


@pytest.fixture
def kamailio_factory(tmp_path: Path) -> Iterator[Callable[..., Kamailio]]:
    """``make(auth=True, tls=False, noanswer_ms=4000) -> Kamailio`` (each in its own dir)."""
    binary = need_binary("kamailio")
    stack = _Stack()

    def make(**kwargs: Any) -> Kamailio:
        workdir = tmp_path / f"kamailio{len(stack.items)}"
        return stack.push(Kamailio.launch(binary, workdir, **kwargs))

    yield make
    stack.close()


@pytest.fixture
def kamailio(kamailio_factory: Callable[..., Kamailio]) -> Kamailio:
    """Kamailio with digest auth on 127.0.0.1 (UDP+TCP), ready to answer."""
    return kamailio_factory()


@pytest.fixture
def kamailio_tls(kamailio_factory: Callable[..., Kamailio]) -> Kamailio:
    """Kamailio with auth plus a TLS listener; trust ``cert_path``."""
    need_binary("openssl")
    return kamailio_factory(tls=True)


@pytest.fixture
def baresip_factory(tmp_path: Path) -> Iterator[Callable[..., Baresip]]:
    """``make(registrar_port, user="carol", password=None, tone_hz=880, auto_answer=True)``."""
    binary = need_binary("baresip")
    stack = _Stack()

    def make(registrar_port: int | None, user: str = "carol", **kwargs: Any) -> Baresip:
        workdir = tmp_path / f"baresip-{user}{len(stack.items)}"
        workdir.mkdir()
        return stack.push(Baresip.launch(binary, workdir, registrar_port, user, **kwargs))

    yield make
    stack.close()


@pytest.fixture
def baresip(kamailio: Kamailio, baresip_factory: Callable[..., Baresip]) -> Baresip:
    """carol on baresip, registered to ``kamailio``, auto-answering with an 880 Hz tone."""
    return baresip_factory(kamailio.port, "carol")


@pytest.fixture
def nginx_factory(tmp_path: Path) -> Iterator[Callable[..., Nginx]]:
    """``make(max_body="5m") -> Nginx``: a PUT/GET upload server on 127.0.0.1."""
    binary = need_binary("nginx")
    stack = _Stack()

    def make(max_body: str = "5m") -> Nginx:
        return stack.push(Nginx.launch(binary, tmp_path / f"nginx{len(stack.items)}",
                                       max_body))

    yield make
    stack.close()


class SippFactory:
    """Starts SIPp processes in the test's tmp dir; all are stopped at teardown."""

    def __init__(self, binary: str, tmp_path: Path, stack: _Stack) -> None:
        self._binary, self._tmp, self._stack = binary, tmp_path, stack

    def uas(self, **kwargs: Any) -> Sipp:
        """A UAS bound and ready (see ``Sipp.uas``)."""
        sipp = self._stack.push(Sipp.uas(self._binary, self._dir(), **kwargs))
        sipp.wait_ready()
        return sipp

    def uac(self, target: str, **kwargs: Any) -> Sipp:
        """A UAC calling ``target`` (host:port); wait on it with ``.wait()``."""
        return self._stack.push(Sipp.uac(self._binary, self._dir(), target, **kwargs))

    def _dir(self) -> Path:
        return self._tmp / f"sipp{len(self._stack.items)}"


@pytest.fixture
def sipp_factory(tmp_path: Path) -> Iterator[SippFactory]:
    binary = need_binary("sipp")
    stack = _Stack()
    yield SippFactory(binary, tmp_path, stack)
    stack.close()
