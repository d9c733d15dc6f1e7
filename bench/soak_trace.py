"""Run ``tuiphone daemon`` under tracemalloc for ``soak.py --tracemalloc``: each SIGUSR2
writes a snapshot to ``$SOAK_TRACE_DIR/snapN.tm`` (then ``snapN.done``)."""

from __future__ import annotations

import os
import runpy
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType

OUT = Path(os.environ["SOAK_TRACE_DIR"])
_taken = [0]


def _dump(signum: int, frame: FrameType | None) -> None:
    _taken[0] += 1
    tracemalloc.take_snapshot().dump(str(OUT / f"snap{_taken[0]}.tm"))
    (OUT / f"snap{_taken[0]}.done").touch()


if __name__ == "__main__":
    tracemalloc.start(12)
    signal.signal(signal.SIGUSR2, _dump)
    sys.argv = ["tuiphone", *sys.argv[1:]]
    runpy.run_module("tuiphone.cli.main", run_name="__main__")
