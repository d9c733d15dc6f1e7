"""A private PulseAudio daemon with null sinks: real sound devices for device mode.

Per audio-facts.md: the daemon gets a temp dir as HOME and runtime dir (as root it
only warns), a unix socket with anonymous auth, and silent loopbacks that keep each
null sink at low latency (without them a new stream starts ~2 s late). The test
process reaches it through PULSE_SERVER; ALSA_CONFIG_PATH adds our pcms (named
sinks, and a "headset" on a second daemon that can be unplugged) to PortAudio's list.
Every process is stopped by PID.
"""

from __future__ import annotations

import array
import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import need_binary
from tests.lab import procs
from tests.lab.tones import rms

RATE = 16000  # what captures are read at


def _script(run: Path, sinks: Sequence[str], desk: bool) -> str:
    """A desk: the sinks, a microphone fed through "micfeed", silent loopbacks keeping
    every sink at low latency. Not a desk (a headset): its sinks alone, so a stream on
    one has nowhere to be moved when it goes."""
    lines = [f"load-module module-native-protocol-unix socket={run}/native auth-anonymous=1"]
    for sink in sinks:
        lines.append(f"load-module module-null-sink sink_name={sink} rate=48000 channels=2")
    if desk:
        lines.append("load-module module-remap-source source_name=mic master=micfeed.monitor")
        lines.append("load-module module-null-sink sink_name=silence rate=48000 channels=2")
        for sink in sinks:
            lines.append(f"load-module module-loopback source=silence.monitor sink={sink} "
                         "latency_msec=20 source_dont_move=true sink_dont_move=true")
        lines.append("set-default-source mic")
    lines.append(f"set-default-sink {sinks[0]}")
    return "\n".join(lines) + "\n"


class Pulse:
    """One daemon. ``server`` is its PULSE_SERVER value."""

    def __init__(self, run: Path, proc: subprocess.Popen[bytes]) -> None:
        self.run, self.proc = run, proc
        self.server = f"unix:{run}/native"
        self.children: list[subprocess.Popen[bytes]] = []

    @classmethod
    def launch(cls, run: Path, sinks: Sequence[str], desk: bool = True) -> Pulse:
        binary = need_binary("pulseaudio")
        need_binary("pactl")
        run.mkdir(parents=True, exist_ok=True)
        (run / "test.pa").write_text(_script(run, sinks, desk))
        env = dict(os.environ, HOME=str(run), XDG_RUNTIME_DIR=str(run),
                   PULSE_RUNTIME_PATH=str(run))
        env.pop("PULSE_SERVER", None)
        proc = procs.spawn([binary, "--daemonize=no", "--system=false", "--exit-idle-time=-1",
                            "--disallow-exit", "--use-pid-file=no", "--disable-shm=yes", "-n",
                            "-F", str(run / "test.pa"), "--log-target=stderr"],
                           run / "pulse.log", env=env)
        pulse = cls(run, proc)
        deadline = time.monotonic() + 15
        while pulse.pactl("info", check=False).returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                pulse.stop()
                raise RuntimeError(f"pulseaudio did not start:\n{procs.tail(run / 'pulse.log')}")
            time.sleep(0.05)  # polling a starting daemon, ready in ~0.05 s
        for sink in sinks:  # the low-latency wake-up (audio-facts: the 2-second trap)
            pulse.pactl("suspend-sink", sink, "1")
            pulse.pactl("suspend-sink", sink, "0")
        return pulse

    def env(self) -> dict[str, str]:
        return dict(os.environ, PULSE_SERVER=self.server, PULSE_COOKIE=str(self.run / "cookie"))

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pactl", *args], env=self.env(), capture_output=True, text=True,
                              timeout=15, check=check)

    def module_of(self, sink: str) -> str:
        """The index of the module-null-sink that made ``sink``."""
        for line in self.pactl("list", "short", "modules").stdout.splitlines():
            fields = line.split("\t")
            if fields[1] == "module-null-sink" and f"sink_name={sink} " in fields[2] + " ":
                return fields[0]
        raise LookupError(sink)

    def capture(self, source: str, path: Path) -> Capture:
        """Record ``source`` (e.g. "spk.monitor") as 16 kHz mono s16 into ``path``."""
        proc = procs.spawn(["parec", f"--device={source}", "--raw", "--format=s16le",
                            f"--rate={RATE}", "--channels=1", "--latency-msec=20", str(path)],
                           self.run / "parec.log", env=self.env())
        self.children.append(proc)
        return Capture(proc, path)

    def play(self, sink: str, wav: Path) -> None:
        """Play ``wav`` into ``sink`` (the microphone feed) until stopped."""
        self.children.append(procs.spawn(["paplay", f"--device={sink}", "--latency-msec=20",
                                          str(wav)], self.run / "paplay.log", env=self.env()))

    def stop(self) -> None:
        for child in self.children:
            procs.stop(child)
        procs.stop(self.proc)


class Capture:
    def __init__(self, proc: subprocess.Popen[bytes], path: Path) -> None:
        self.proc, self.path = proc, path

    def samples(self, skip_s: float = 0.0) -> list[int]:
        data = self.path.read_bytes() if self.path.exists() else b""
        data = data[int(skip_s * RATE) * 2:]
        return list(array.array("h", data[: len(data) // 2 * 2]))

    def wait_loud(self, seconds: float, timeout_s: float = 20.0, floor: float = 300.0) -> list[int]:
        """The last ``seconds`` of the capture once they are loud; raises TimeoutError."""
        deadline = time.monotonic() + timeout_s
        while True:
            tail = self.samples()[-int(seconds * RATE):]
            if len(tail) >= seconds * RATE and rms(tail) > floor:
                return tail
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {seconds} s of sound at {self.path} "
                                   f"(rms {rms(tail):.0f})")
            time.sleep(0.1)  # parec writes as the sink plays: poll the file

    def stop(self) -> None:
        procs.stop(self.proc)
