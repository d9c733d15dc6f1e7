"""pytest fixtures of the netns lab: ``netlab`` and factories for the far-side servers.

Import them into a conftest (``tests/lab/conftest.py`` does). Every process is
stopped by PID and every namespace deleted at teardown, also when the test fails.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.conftest import lab_missing, need_binary
from tests.lab.fixtures import _Stack
from tests.lab.net import names
from tests.lab.net.coturn import Coturn
from tests.lab.net.daemon import Daemon
from tests.lab.net.dnsmasq import Dnsmasq
from tests.lab.net.host import Host
from tests.lab.net.lab import NetLab
from tests.lab.net.rtpengine import Rtpengine

S = TypeVar("S", bound=Daemon)


@pytest.fixture(scope="session")
def netlab_ready() -> list[str]:
    """Once per session: check that namespaces can be made here; sweep dead runs' leftovers.

    Returns what the sweep removed. Skips (fails under TUIPHONE_REQUIRE_LAB=1) when
    ``ip``/``nft`` are missing or the process may not create namespaces.
    """
    need_binary("ip")
    need_binary("nft")
    if os.geteuid() != 0:
        lab_missing("the netns lab needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)")
    removed = names.sweep()
    probe = f"{names.new_name()}-probe"
    try:
        names.ip("netns", "add", probe)
    except RuntimeError as err:
        lab_missing(f"cannot create network namespaces here: {err}")
    names.ip("netns", "del", probe, check=False)
    return removed


@pytest.fixture
def netlab(netlab_ready: list[str], tmp_path: Path) -> Iterator[NetLab]:
    """A ``NetLab`` for this test; torn down (processes, veths, namespaces) afterwards."""
    lab = NetLab(tmp_path / "netlab")
    try:
        yield lab
    finally:
        lab.close()


def _factory(
    binary: str, tmp_path: Path, launch: Callable[..., S], stack: _Stack
) -> Callable[..., S]:
    counter = itertools.count()

    def make(host: Host, *args: Any, **kwargs: Any) -> S:
        workdir = tmp_path / f"{Path(binary).name}{next(counter)}"
        return stack.push(launch(binary, host, workdir, *args, **kwargs))

    return make


@pytest.fixture
def dnsmasq_factory(tmp_path: Path) -> Iterator[Callable[..., Dnsmasq]]:
    """``make(host, zone, address=None, port=53) -> Dnsmasq`` serving ``zone`` in ``host``."""
    stack = _Stack()
    yield _factory(need_binary("dnsmasq"), tmp_path, Dnsmasq.launch, stack)
    stack.close()


@pytest.fixture
def coturn_factory(tmp_path: Path) -> Iterator[Callable[..., Coturn]]:
    """``make(host, address=None, port=3478, user="u", password="p") -> Coturn``."""
    stack = _Stack()
    yield _factory(need_binary("turnserver"), tmp_path, Coturn.launch, stack)
    stack.close()


@pytest.fixture
def rtpengine_factory(tmp_path: Path) -> Iterator[Callable[..., Rtpengine]]:
    """``make(host, address=None, ng_port=22222) -> Rtpengine`` (answers ng ping)."""
    stack = _Stack()
    yield _factory(need_binary("rtpengine"), tmp_path, Rtpengine.launch, stack)
    stack.close()
