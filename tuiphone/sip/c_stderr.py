"""C libraries' chatter on stderr, into our log instead (audio mode "device").

PortAudio prints its failed checks with ``fprintf(stderr, ...)`` when a device
vanishes ("Expression '...' failed in 'src/hostapi/alsa/pa_linux_alsa.c'"), from its
own thread; Debian's libportaudio2 exports no hook for it (PaUtil_SetDebugPrintFunction
is internal), and ALSA's own messages go the same way. In the TUI that text lands
on the screen. Redirecting fd 2 around the calls is unsafe with threads (and the
TUI draws on fd 2), so instead libc's ``stderr`` FILE pointer is pointed, once, at a
pipe whose lines a thread logs. Only C code writing through ``stderr`` is moved: fd 2,
Python's own sys.stderr and faulthandler stay where they were. The old FILE is never
closed, so a thread already inside fprintf with it finishes normally.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading

log = logging.getLogger("tuiphone.portaudio")
_IOLBF = 1
_lock = threading.Lock()
_installed: list[int] = []  # the pipe's read end, once installed


def install() -> bool:
    """Move libc's stderr into the log (once per process). False where that cannot
    be done (no libc symbol, e.g. not glibc); stderr is then left alone."""
    with _lock:
        if _installed:
            return True
        try:
            libc = ctypes.CDLL(None)
            pointer = ctypes.c_void_p.in_dll(libc, "stderr")
            libc.fdopen.restype = ctypes.c_void_p
            libc.fdopen.argtypes = (ctypes.c_int, ctypes.c_char_p)
            libc.setvbuf.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.c_size_t)
        except (OSError, ValueError, AttributeError) as err:
            log.debug("C stderr stays as it is: %s", err)
            return False
        read, write = os.pipe()
        stream = libc.fdopen(write, b"w")
        if not stream:
            os.close(read)
            os.close(write)
            return False
        libc.setvbuf(stream, None, _IOLBF, 0)
        threading.Thread(target=_pump, args=(read,), name="c-stderr", daemon=True).start()
        pointer.value = stream
        _installed.append(read)
        return True


def _pump(fd: int) -> None:
    """Log each line (at info: ALSA alone says a dozen lines each time it probes);
    never stops reading (a full pipe would stall the writer)."""
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(4096):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                if line.strip():
                    log.info("%s", line.decode("utf-8", "replace").rstrip())
