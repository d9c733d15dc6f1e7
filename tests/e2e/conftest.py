"""End-to-end tests: the installed ``tuiphone`` in a private tmux server, against the SIP lab."""

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import need_binary
from tests.e2e.env import isolated_env
from tests.e2e.tmuxtui import TmuxTui
from tests.lab.fixtures import (  # noqa: F401 - fixtures are found by name
    baresip,
    baresip_factory,
    kamailio,
    kamailio_factory,
    sipp_factory,
)


@pytest.fixture
def tui(tmp_path: Path) -> Iterator[Callable[..., TmuxTui]]:
    """``start(argv, **env) -> TmuxTui``: the program runs in a private tmux server.

    Teardown kills the server and the program by PID and removes the runtime dir.
    """
    tmux = need_binary("tmux")
    # AF_UNIX paths are limited to 108 bytes: the control socket needs a short dir.
    runtime = tempfile.mkdtemp(prefix="tp-e2e-")
    os.chmod(runtime, 0o700)
    started: list[TmuxTui] = []

    def start(argv: list[str], **extra: str) -> TmuxTui:
        session = TmuxTui(tmux, tmp_path, isolated_env(tmp_path / "user", runtime, **extra))
        started.append(session)
        session.start(argv)
        return session

    yield start
    for session in started:
        session.stop()
    shutil.rmtree(runtime, ignore_errors=True)
