"""Read the ``[audio]``, ``[ui]``, ``[keymap]``, ``[engine]`` and ``[contacts]`` tables."""

from __future__ import annotations

import os
import re
from types import MappingProxyType

from tuiphone.config.network import host_ports, ip_address, ip_addresses
from tuiphone.config.reader import Reader
from tuiphone.config.schema import (
    LOG_LEVELS,
    CardDavConfig,
    ContactsConfig,
    DaemonConfig,
    EngineConfig,
    LogConfig,
    ProvisioningConfig,
    UiConfig,
)
from tuiphone.config.secrets import parse_secret
from tuiphone.model.backend import MediaSettings

AUDIO_MODES = ("null", "files", "device")
RECORD_CALLS = ("all", "none", "ask")
LAYOUTS = ("auto", "wide", "narrow")
AVATARS = ("auto", "halfcell", "kitty", "sixel", "off")
_REGION = re.compile(r"[A-Z]{2}")


def expand(value: str | None) -> str | None:
    """``~`` expanded; None stays None."""
    return None if value is None else os.path.expanduser(value)


def parse_audio(reader: Reader) -> MediaSettings:
    defaults = MediaSettings()
    settings = MediaSettings(
        mode=reader.one_of("mode", AUDIO_MODES, defaults.mode),
        play_file=expand(reader.opt_text("play_file")),
        record_dir=expand(reader.opt_text("record_dir")),
        record_calls=reader.one_of("record_calls", RECORD_CALLS, defaults.record_calls),
        vad=reader.flag("vad", defaults.vad),
        input=_device(reader, "input"),
        output=_device(reader, "output"),
        ring=_device(reader, "ring"),
        ringtone=expand(reader.opt_text("ringtone")),
    )
    if reader.get("echo_cancel") is not None:
        reader.error("echo_cancel", "removed: tuiphone's sound path has no echo canceller "
                                    "(use a headset, or the sound server's, e.g. PulseAudio's "
                                    "module-echo-cancel)")
    reader.finish()
    return settings


def _device(reader: Reader, key: str) -> str | None:
    """A device name (or part of one) or a PortAudio index; matched when a call opens
    the device, since the list is only known then."""
    value = reader.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        reader.error(key, "expected a device name or index (see `tuiphone audio devices`)")
        return None
    return str(value)


def parse_ui(reader: Reader, keymap: Reader) -> UiConfig:
    defaults = UiConfig()
    keys = {action: keymap.text(action, "") for action in keymap.data}
    for action, value in keys.items():
        if not value.strip():
            keymap.error(action, "expected a key such as 'ctrl+d' or 'f5,ctrl+n'")
    ui = UiConfig(
        theme=reader.text("theme", defaults.theme),
        keymap=MappingProxyType({a: k for a, k in keys.items() if k.strip()}),
        layout=reader.one_of("layout", LAYOUTS, defaults.layout),
        avatars=reader.one_of("avatars", AVATARS, defaults.avatars),
        confirm_emergency=reader.flag("confirm_emergency", defaults.confirm_emergency),
        alert=_alerts(reader, defaults.alert),
        cursor_blink=reader.flag("cursor_blink", defaults.cursor_blink),
    )
    reader.finish()
    return ui


ALERTS = ("bell", "osc", "notify")


def _alerts(reader: Reader, default: tuple[str, ...]) -> tuple[str, ...]:
    if reader.get("alert") is None:
        return default
    kinds = reader.strings("alert")
    bad = [k for k in kinds if k not in ALERTS]
    if bad:
        reader.error("alert", f"{', '.join(map(repr, bad))}: each must be one of "
                              f"{', '.join(ALERTS)} (an empty list: no alert)")
        return default
    return tuple(dict.fromkeys(kinds))


def parse_daemon(reader: Reader) -> DaemonConfig:
    argv = reader.strings("on_incoming")
    if argv and not argv[0].strip():
        reader.error("on_incoming", "the first element is the command to run; it is empty")
        argv = ()
    reader.finish()
    return DaemonConfig(on_incoming=argv)


def parse_engine(reader: Reader) -> EngineConfig:
    defaults = EngineConfig()
    engine = EngineConfig(
        bind_address=ip_address(reader, "bind_address"),
        echo_line=reader.flag("echo_line", defaults.echo_line),
        sip_trace_file=expand(reader.opt_text("sip_trace_file")),
        history_limit=reader.integer("history_limit", defaults.history_limit, 0, 10**9),
        retention_days=reader.integer("retention_days", defaults.retention_days, 0, 36500),
        message_retry_hours=reader.integer(
            "message_retry_hours", defaults.message_retry_hours, 1, 24 * 365),
        user_agent=reader.text("user_agent", defaults.user_agent),
        nameservers=ip_addresses(reader, "nameservers"),
        stun_servers=host_ports(reader, "stun_servers"),
        rtp_headers=reader.integer("rtp_headers", defaults.rtp_headers, 0, 1_000_000),
        hooks_at_once=reader.integer("hooks_at_once", defaults.hooks_at_once, 1, 64),
    )
    reader.finish()
    return engine


def _carddav(reader: Reader, file_mode: int | None) -> CardDavConfig | None:
    book_id = reader.required_text("id")
    url = reader.required_text("url")
    if url is not None and not url.startswith(("http://", "https://")):
        reader.error("url", f"{url!r} must start with http:// or https://")
        url = None
    book = CardDavConfig(
        id=book_id or "",
        url=url or "",
        username=reader.opt_text("username"),
        secret=parse_secret(reader, f"carddav:{book_id}", file_mode),
        verify=reader.flag("verify", True),
        ca_file=expand(reader.opt_text("ca_file")),
    )
    reader.finish()
    return book if book_id and url else None


def parse_contacts(reader: Reader, file_mode: int | None) -> ContactsConfig:
    defaults = ContactsConfig()
    region = reader.text("default_region", defaults.default_region)
    if not _REGION.fullmatch(region):
        reader.error("default_region", f"{region!r} is not a two-letter region code like 'US'")
        region = defaults.default_region
    books: list[CardDavConfig] = []
    for table in reader.tables("carddav"):
        book = _carddav(table, file_mode)
        if book is not None and any(b.id == book.id for b in books):
            table.error("id", f"duplicate address book id {book.id!r}")
        elif book is not None:
            books.append(book)
    contacts = ContactsConfig(
        default_region=region,
        vdirs=tuple(os.path.expanduser(v) for v in reader.strings("vdirs")),
        carddav=tuple(books),
        sync_interval=reader.integer("sync_interval", defaults.sync_interval, 0, 7 * 86400),
        fetch_remote_photos=reader.flag("fetch_remote_photos", defaults.fetch_remote_photos),
    )
    reader.finish()
    return contacts


def parse_log(reader: Reader) -> LogConfig:
    config = LogConfig(level=reader.one_of("level", LOG_LEVELS, "off"))
    reader.finish()
    return config


METHODS = ("GET", "POST", "PUT")


def parse_provisioning(reader: Reader) -> ProvisioningConfig:
    defaults = ProvisioningConfig()
    url = reader.opt_text("url")
    if url is not None and not url.startswith(("http://", "https://")):
        reader.error("url", f"{url!r} must start with http:// or https://")
        url = None
    method = reader.text("method", "").upper()
    if method and method not in METHODS:
        reader.error("method", f"{method!r} is not one of {', '.join(METHODS)}")
        method = ""
    config = ProvisioningConfig(
        url=url,
        method=method,
        post_data=reader.text("post_data", ""),
        content_type=reader.text("content_type", defaults.content_type),
        interval_hours=reader.integer("interval", 0, 0, 24 * 365),
        timeout_s=float(reader.integer("timeout", int(defaults.timeout_s), 1, 600)),
        verify=reader.flag("verify", True),
        ca_file=expand(reader.opt_text("ca_file")),
    )
    reader.finish()
    return config
