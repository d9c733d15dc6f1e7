"""config path / init / check: where the config is, a commented starter, a dry load.

Local commands: they read and write files only. ``init`` never overwrites: a config
is the user's file, and the app never rewrites it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from tuiphone.commands.util import opt
from tuiphone.config.paths import CONFIG_ENV, config_file, ensure_dir
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import ConfigError, UsageError


async def config(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: a local command."""
    return {"path": _path, "init": _init, "check": _check, "show": _show}[args.action](args)


def _where(args: argparse.Namespace) -> tuple[Path, str]:
    explicit = opt(args, "config")
    path, _ = config_file(explicit)
    source = "--config" if explicit else CONFIG_ENV if os.environ.get(CONFIG_ENV) else "default"
    return path, source


def _path(args: argparse.Namespace) -> dict[str, Any]:
    path, source = _where(args)
    return {"path": str(path), "exists": path.exists(), "from": source}


def _init(args: argparse.Namespace) -> dict[str, Any]:
    from tuiphone.config.atomic import atomic_write
    from tuiphone.config.embedded import example_config

    path, _ = _where(args)
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path}: exists; not overwritten (edit it, or move it away first)")
    if path.parent.exists():
        if not path.parent.is_dir():
            raise ConfigError([f"{path.parent}: not a directory"])
    else:
        ensure_dir(path.parent, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        raise UsageError(f"{path}: exists; not overwritten") from None
    except OSError as err:
        raise ConfigError([f"{path}: cannot write: {err.strerror}"]) from err
    os.close(fd)  # claimed: nobody else creates it meanwhile; now fill it whole
    try:
        atomic_write(path, example_config().encode("utf-8"), 0o600)
    except OSError as err:
        path.unlink(missing_ok=True)
        raise ConfigError([f"{path}: cannot write: {err.strerror}"]) from err
    return {"path": str(path), "written": True,
            "next": "edit the accounts in it, then: tuiphone config check"}


def _check(args: argparse.Namespace) -> dict[str, Any]:
    """Raises ConfigError (exit 2) listing every problem as file:line: key: message."""
    from tuiphone.config.loader import load_config

    path, _ = _where(args)
    loaded = load_config(opt(args, "config"))
    return {
        "path": str(path),
        "ok": True,
        "file": not loaded.embedded,
        "accounts": [a.id for a in loaded.accounts],
        "warnings": list(loaded.warnings),
    }


def _show(args: argparse.Namespace) -> Any:
    """Each effective value and where it came from (``--origin``): config.toml:LINE,
    ``provisioned TIME from URL`` (``locked by the provider`` when locked), or default."""
    from tuiphone.commands.output import Verbatim
    from tuiphone.config.origins import origin_rows

    path, _ = _where(args)
    rows = origin_rows(opt(args, "config"))
    if opt(args, "json"):
        return rows
    with_origin = bool(opt(args, "origin"))
    lines = [f"{r['key']} = {r['value']}" + (f"    # {r['origin']}" if with_origin else "")
             for r in rows]
    return Verbatim("\n".join(lines) + "\n")
