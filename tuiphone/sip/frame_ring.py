"""A small ring of fixed-size PCM frames between two clocks (pure, thread-safe).

The conference bridge and the sound card tick on different clocks: the ring
keeps at most ``depth`` frames (dropping the oldest) and hands out silence
when empty, so drift costs a click instead of unbounded latency.
"""

from __future__ import annotations

from collections import deque


class FrameRing:
    def __init__(self, frame_bytes: int, depth: int = 5) -> None:
        self.frame_bytes = frame_bytes
        self._frames: deque[bytes] = deque(maxlen=depth)  # append/popleft are atomic
        self._silence = bytes(frame_bytes)
        self.underruns = 0

    def push(self, data: bytes) -> None:
        """Add one frame (padded or cut to ``frame_bytes``). Any thread."""
        if len(data) != self.frame_bytes:
            data = data[: self.frame_bytes].ljust(self.frame_bytes, b"\0")
        self._frames.append(data)

    def pop(self) -> bytes:
        """The oldest frame, or silence when empty. Any thread."""
        try:
            return self._frames.popleft()
        except IndexError:
            self.underruns += 1
            return self._silence

    def __len__(self) -> int:
        return len(self._frames)
