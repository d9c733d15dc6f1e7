"""pytest fixtures of the netns lab: ``netlab`` and factories for the far-side servers.

Import them into a conftest (``tests/lab/conftest.py`` does). Every process is
stopped by PID and every namespace deleted at teardown, also when the test fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import lab_missing, need_binary
from tests.lab.net import names
from tests.lab.net.lab import NetLab


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
