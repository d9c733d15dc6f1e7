"""Where tuiphone keeps its files: the XDG base directories (Linux only, so no library).

Every function only computes a path; nothing is created until a caller asks
``ensure_dir``. The environment is read on each call, so tests and the CLI can
change ``XDG_*`` or ``TUIPHONE_CONFIG`` at run time.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tuiphone.model.errors import ConfigError

APP = "tuiphone"
CONFIG_ENV = "TUIPHONE_CONFIG"


def xdg_dir(variable: str, fallback: str) -> Path:
    """``$variable/tuiphone``, or ``~/fallback/tuiphone`` when it is unset, empty or
    relative (the XDG Base Directory spec says to ignore a relative one)."""
    value = os.environ.get(variable, "").strip()
    base = Path(value) if value and os.path.isabs(value) else Path.home() / fallback
    return base / APP


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/tuiphone``."""
    return xdg_dir("XDG_CONFIG_HOME", ".config")


def default_config_file() -> Path:
    """``$XDG_CONFIG_HOME/tuiphone/config.toml``."""
    return config_dir() / "config.toml"


def config_file(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it explicitly.

    Order: ``--config PATH`` (``explicit``) > ``$TUIPHONE_CONFIG`` > the default.
    A named file that is missing is an error for the caller to report; a missing
    default file means "use the embedded default".
    """
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser(), True
    env = os.environ.get(CONFIG_ENV, "")
    if env:
        return Path(env).expanduser(), True
    return default_config_file(), False


def themes_dir() -> Path:
    """User theme files: ``$XDG_CONFIG_HOME/tuiphone/themes``."""
    return config_dir() / "themes"


def state_file() -> Path:
    """The TOML file the app owns (UI state, QuickDial edits)."""
    return config_dir() / "state.toml"


def data_dir() -> Path:
    """``$XDG_DATA_HOME/tuiphone``: the SQLite database and the secret store."""
    return xdg_dir("XDG_DATA_HOME", ".local/share")


def secret_store_file() -> Path:
    return data_dir() / "secrets.json.enc"


def files_dir() -> Path:
    """``$XDG_DATA_HOME/tuiphone/files``: received files (and ``.outgoing``, files
    encrypted and waiting for their upload)."""
    return data_dir() / "files"


def file_keys_dir() -> Path:
    """``$XDG_DATA_HOME/tuiphone/file-keys``: file keys, each wrapped with the key kept
    in the secret store under ``files:wrap``."""
    return data_dir() / "file-keys"


def state_dir() -> Path:
    """``$XDG_STATE_HOME/tuiphone``: logs, SIP traces."""
    return xdg_dir("XDG_STATE_HOME", ".local/state")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/tuiphone``: CardDAV caches and the like."""
    return xdg_dir("XDG_CACHE_HOME", ".cache")


SOCKET_NAME = "control.sock"


def socket_file() -> Path:
    """``$XDG_RUNTIME_DIR/tuiphone/control.sock``: where an engine serves its socket."""
    return runtime_dir() / SOCKET_NAME


def trace_log_file(configured: str | None) -> Path:
    """The SIP trace log: ``[engine] sip_trace_file``, else ``$XDG_DATA_HOME/tuiphone/
    sip-trace.log``."""
    return Path(configured).expanduser() if configured else data_dir() / "sip-trace.log"


def runtime_dir() -> Path:
    """``$XDG_RUNTIME_DIR/tuiphone`` (control socket), else ``/tmp/tuiphone-<uid>``.

    The fallback must be created with ``ensure_dir(path, 0o700)``, which refuses
    a directory someone else owns.
    """
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    if base:
        return Path(base) / APP
    return Path("/tmp") / f"{APP}-{os.getuid()}"


def ensure_dir(path: Path, mode: int = 0o700) -> Path:
    """Create ``path`` (and parents) if needed and give it exactly ``mode``.

    Raises ConfigError if it exists but is not a directory or belongs to
    another user (a planted ``/tmp`` directory must never hold our socket).
    """
    try:
        path.mkdir(mode=mode, parents=True, exist_ok=True)
        info = path.lstat()
    except FileExistsError as err:
        raise ConfigError([f"{path}: exists and is not a directory"]) from err
    except OSError as err:
        raise ConfigError([f"{path}: cannot create directory: {err.strerror}"]) from err
    if not stat.S_ISDIR(info.st_mode):
        raise ConfigError([f"{path}: exists and is not a directory"])
    if info.st_uid != os.getuid():
        raise ConfigError([f"{path}: owned by uid {info.st_uid}, not by you; remove it"])
    if stat.S_IMODE(info.st_mode) != mode:
        path.chmod(mode)
    return path
