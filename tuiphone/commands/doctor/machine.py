"""Checks of the user's own session: audio, the terminal, the control socket."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor.report import Finding, fail, ok, warn
from tuiphone.config.terminal import terminal_colours
from tuiphone.model.audio import AudioDevice, choose
from tuiphone.model.backend import MediaSettings
from tuiphone.model.errors import NotFound


def audio(media: MediaSettings, engine_mode: str | None) -> Finding:
    """The audio mode (the engine's, when one runs) and what that mode needs."""
    mode = engine_mode or media.mode
    if mode == "null":
        return ok("audio", "null: no sound device, calls are silent (set [audio] mode = "
                           "\"device\" for a headset, \"files\" to play and record WAVs)")
    if mode == "files":
        return _files(media)
    return _devices(media)


def _files(media: MediaSettings) -> Finding:
    if media.play_file and not Path(media.play_file).expanduser().is_file():
        return fail("audio", f"files: play_file {media.play_file} does not exist",
                    "set [audio] play_file to an existing WAV file", exitcodes.USAGE)
    if media.record_dir and not os.access(Path(media.record_dir).expanduser(), os.W_OK):
        return fail("audio", f"files: record_dir {media.record_dir} is not writable",
                    "create it or set [audio] record_dir to a writable folder",
                    exitcodes.USAGE)
    return ok("audio", f"files: play {media.play_file or '-'}, record to "
                       f"{media.record_dir or '-'}")


def _devices(media: MediaSettings) -> Finding:
    try:
        import sounddevice  # type: ignore[import-untyped, unused-ignore]

        devices = [dict(d, index=i) for i, d in enumerate(sounddevice.query_devices())]
    except Exception as err:  # ImportError, OSError (no PortAudio), sounddevice's own errors
        return fail("audio", f"device: PortAudio unusable ({err})",
                    "pip install 'tuiphone[audio]' and apt install libportaudio2, or set "
                    "[audio] mode = \"null\"", exitcodes.USAGE)
    inputs = sum(1 for d in devices if d.get("max_input_channels", 0) > 0)
    outputs = sum(1 for d in devices if d.get("max_output_channels", 0) > 0)
    if not inputs or not outputs:
        return fail("audio", f"device: {inputs} input(s), {outputs} output(s)",
                    "connect a headset or start PulseAudio/PipeWire; over SSH set PULSE_SERVER "
                    "to your laptop's sound server (README: Audio over SSH)",
                    exitcodes.EXPECTATION)
    found = [AudioDevice(int(d["index"]), str(d["name"]), "", int(d["max_input_channels"]),
                         int(d["max_output_channels"])) for d in devices]
    for role, wanted in (("input", media.input), ("output", media.output),
                         ("output", media.ring)):
        try:
            choose(found, wanted, role)
        except NotFound as err:
            return warn("audio", f"device: {err}",
                        "the default device is used instead; see `tuiphone audio devices`")
    return ok("audio", f"device: {inputs} input(s), {outputs} output(s)")


def terminal(env: Mapping[str, str] = os.environ) -> Finding:
    """Colours (terminfo, NO_COLOR) and the picture protocol the TUI would try first."""
    graphics = _graphics(env)
    if env.get("NO_COLOR"):
        return ok("terminal", f"NO_COLOR set: the mono theme; pictures: {graphics}")
    term = env.get("TERM", "")
    colours = terminal_colours(env)
    if not term:
        return warn("terminal", "TERM is not set", "run from a terminal, or export TERM")
    if colours is None:
        return warn("terminal", f"TERM={term}: unknown to terminfo",
                    "install its terminfo entry (ncurses-term) or use TERM=xterm-256color")
    if colours < 8:
        return warn("terminal", f"TERM={term}: no colours, the mono theme is used",
                    "use a colour terminal (TERM=xterm-256color) for the colour themes")
    shown = "truecolor" if colours >= 1 << 24 else f"{colours} colours"
    return ok("terminal", f"TERM={term}, {shown}; pictures: {graphics}")


def _graphics(env: Mapping[str, str]) -> str:
    """A guess from the environment; the TUI asks the terminal itself when it starts."""
    term, program = env.get("TERM", ""), env.get("TERM_PROGRAM", "").lower()
    if "kitty" in term or env.get("KITTY_WINDOW_ID") or program in ("wezterm", "ghostty"):
        return "kitty graphics"
    if program in ("mlterm", "contour") or "foot" in term or "mlterm" in term:
        return "sixel"
    return "half-cell blocks (kitty/sixel are detected when the TUI starts)"


def control_socket(socket: Path, uid: int | None = None) -> Finding:
    """The runtime directory (ours, mode 0700) and the socket in it (ours, 0600)."""
    uid = os.getuid() if uid is None else uid
    directory = socket.parent
    try:
        info = directory.lstat()
    except FileNotFoundError:
        return ok("socket", f"{directory} not made yet (an engine makes it, mode 0700)")
    except OSError as err:
        return fail("socket", f"{directory}: {err.strerror}",
                    "check $XDG_RUNTIME_DIR: it must be a directory of yours", exitcodes.USAGE)
    problem = _unsafe(directory, info, uid, 0o700, stat.S_ISDIR)
    if problem:
        return problem
    try:
        sock = socket.lstat()
    except OSError:
        return ok("socket", f"{directory} is private; no engine serves here (commands start "
                            "their own; 'tuiphone daemon' keeps one)")
    problem = _unsafe(socket, sock, uid, 0o600, stat.S_ISSOCK)
    return problem or ok("socket", f"{socket}: yours, mode 0600")


def _unsafe(path: Path, info: os.stat_result, uid: int, mode: int,
            kind: Callable[[int], bool]) -> Finding | None:
    what = "directory" if mode == 0o700 else "socket"
    if not kind(info.st_mode):
        return fail("socket", f"{path} is not a {what}", f"remove {path}", exitcodes.USAGE)
    if info.st_uid != uid:
        return fail("socket", f"{path} belongs to uid {info.st_uid}, not to you (uid {uid})",
                    f"remove {path} (someone else made it)", exitcodes.USAGE)
    if stat.S_IMODE(info.st_mode) & ~mode:
        return fail("socket", f"{path} has mode {stat.S_IMODE(info.st_mode):04o}; other "
                              "users could reach the engine", f"chmod {mode:o} {path}",
                    exitcodes.USAGE)
    return None
