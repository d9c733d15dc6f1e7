"""C code's stderr (PortAudio, ALSA) goes to our log; Python's own stderr stays."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import ctypes, logging, sys, threading
logging.basicConfig(stream=sys.stdout, format="LOG %(name)s: %(message)s", level=logging.INFO)
from tuiphone.sip import c_stderr
assert c_stderr.install() and c_stderr.install()  # once; the second call is a no-op
done = threading.Event()
logging.getLogger("tuiphone.portaudio").addFilter(lambda r: done.set() or True)
libc = ctypes.CDLL(None)
threading.Thread(target=lambda: libc.perror(b"from a C thread")).start()
print("python stderr stays", file=sys.stderr, flush=True)
assert done.wait(10)
"""


def test_c_stderr_lines_are_logged_not_printed() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=30, env=env, check=True)
    assert "LOG tuiphone.portaudio: from a C thread" in out.stdout
    assert "from a C thread" not in out.stderr
    assert out.stderr.strip() == "python stderr stays"
