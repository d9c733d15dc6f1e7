"""Load config.toml into an AppConfig, reporting every problem with file, line and key."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import tomllib
from pathlib import Path
from types import MappingProxyType

from tuiphone.config.accounts import parse_accounts
from tuiphone.config.embedded import default_config, local_account
from tuiphone.config.hooks import parse_hooks
from tuiphone.config.layers import Layer, LayerError, Merged, merge_layers, read_layers
from tuiphone.config.locations import parse_locations
from tuiphone.config.paths import config_file
from tuiphone.config.problems import Problems
from tuiphone.config.quickdial import parse_quickdial
from tuiphone.config.reader import Reader
from tuiphone.config.schema import AppConfig
from tuiphone.config.sections import (
    parse_audio,
    parse_contacts,
    parse_daemon,
    parse_engine,
    parse_log,
    parse_provisioning,
    parse_ui,
)
from tuiphone.model.errors import ConfigError

_POSITION = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def load_config(path: str | os.PathLike[str] | None = None) -> AppConfig:
    """Read the config named by ``path``, ``$TUIPHONE_CONFIG`` or the default location.

    A missing default file gives the embedded default; a missing file the user
    named is an error. Raises ConfigError listing every problem found.
    """
    return load_layered(path)[0]


def load_layered(path: str | os.PathLike[str] | None = None,
                 layers: list[Layer] | None = None) -> tuple[AppConfig, Merged, str]:
    """``load_config`` plus how the layers merged (origins) and config.toml's text.

    ``layers`` replaces the provisioned layers on disk (a dry run of new ones).
    """
    file, explicit = config_file(path)
    try:
        found = read_layers(file) if layers is None else layers
    except LayerError as err:
        raise ConfigError([str(err)]) from err
    try:
        with file.open("rb") as handle:
            mode: int | None = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            raw = handle.read()
    except FileNotFoundError as err:
        if explicit:
            raise ConfigError([f"{file}: config file not found"]) from err
        if not found:
            return default_config(), Merged({}), ""
        raw, mode = b"", None
    except OSError as err:
        raise ConfigError([f"{file}: cannot read: {err.strerror}"]) from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError([f"{file}: not UTF-8 text (byte {err.start})"]) from err
    merged = Merged({})
    config = parse_config(text, source=file, file_mode=mode, layers=found, merged_out=merged)
    return config, merged, text


def parse_config(text: str, source: Path | None = None, file_mode: int | None = None,
                 layers: list[Layer] | None = None, merged_out: Merged | None = None
                 ) -> AppConfig:
    """Parse TOML ``text``; ``file_mode`` (permission bits) decides if a plain password is ok.

    ``layers`` (provisioned values) are merged under ``text`` key by key first; their
    origins go to ``merged_out``. A file without ``[[accounts]]`` gets the embedded
    ``local`` account, so ``AppConfig.accounts`` is never empty.
    """
    name = str(source) if source is not None else "<config>"
    merged = merge_layers(_toml(text, name), layers or [])
    if merged_out is not None:
        merged_out.data, merged_out.origins = merged.data, merged.origins
        merged_out.locked, merged_out.overridden_locks = merged.locked, merged.overridden_locks
    problems = Problems(name, text)
    for path, origin in merged.overridden_locks:
        problems.warn(path, f"locked by the provider ({origin}); your value is not used")
    return parse_data(merged.data, problems, source, file_mode)


def parse_data(data: dict[str, object], problems: Problems, source: Path | None = None,
               file_mode: int | None = None) -> AppConfig:
    """Parsed TOML ``data`` into an AppConfig; ``problems`` knows the text's lines."""
    root = Reader(data, (), problems)
    engine = parse_engine(root.table("engine"))
    accounts, secrets, legacy_stun = parse_accounts(root, file_mode, engine.echo_line)
    if legacy_stun:
        extra = tuple(s for s in legacy_stun if s not in engine.stun_servers)
        engine = dataclasses.replace(engine, stun_servers=engine.stun_servers + extra)
    config = AppConfig(
        accounts=accounts or (local_account(),),
        secrets=MappingProxyType(secrets),
        audio=parse_audio(root.table("audio")),
        ui=parse_ui(root.table("ui"), root.table("keymap")),
        engine=engine,
        log=parse_log(root.table("log")),
        daemon=parse_daemon(root.table("daemon")),
        contacts=parse_contacts(root.table("contacts"), file_mode),
        quickdial=parse_quickdial(root),
        locations=parse_locations(root),
        hooks=parse_hooks(root),
        provisioning=parse_provisioning(root.table("provisioning")),
        source=source,
        warnings=tuple(problems.warnings),
    )
    root.finish()
    problems.raise_if_any()
    return config


def _toml(text: str, name: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([syntax_message(name, text, err)]) from err


def syntax_message(name: str, text: str, err: tomllib.TOMLDecodeError) -> str:
    """``file:line:col: TOML syntax error: ...`` from tomllib's message."""
    message = str(err)
    match = _POSITION.match(message)
    if match:
        where, detail = f"{match['line']}:{match['col']}", match["msg"]
    else:
        where = str(max(len(text.splitlines()), 1))
        detail = message.removesuffix(" (at end of document)")
        detail += " at end of file" if detail != message else ""
    return f"{name}:{where}: TOML syntax error: {detail[:1].lower()}{detail[1:]}"
