"""The typed configuration: what ``load_config`` returns. Values only, no I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from tuiphone.model.account import AccountConfig
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.hooks import DEFAULT_AT_ONCE, Hook
from tuiphone.model.location import LocationProfile
from tuiphone.model.quickdial import QuickDialEntry as QuickDialEntry  # its home is the model


class SecretKind(enum.Enum):
    COMMAND = "password_command"
    ENV = "password_env"
    KEYRING = "password_keyring"
    STORE = "password_store"
    PLAIN = "password"


@dataclass(frozen=True, slots=True, repr=False)
class SecretSpec:
    """Where a password comes from. ``name`` is the account id or ``carddav:<id>``.

    ``command`` is the argv for COMMAND, ``env`` the variable for ENV, ``value``
    the password itself for PLAIN. The repr never shows ``value``.
    """

    kind: SecretKind
    name: str
    command: tuple[str, ...] = ()
    env: str | None = None
    value: str | None = None

    def __repr__(self) -> str:
        detail = {
            SecretKind.COMMAND: f"command={self.command[:1]!r}..." if self.command else "",
            SecretKind.ENV: f"env={self.env!r}",
            SecretKind.PLAIN: "value='***'",
        }.get(self.kind, "")
        tail = f", {detail}" if detail else ""
        return f"SecretSpec(kind={self.kind.name}, name={self.name!r}{tail})"


LOG_LEVELS = ("off", "error", "warning", "info", "debug")


@dataclass(frozen=True, slots=True)
class LogConfig:
    """``[log]``: the application log in ``$XDG_STATE_HOME/tuiphone/tuiphone.log``;
    ``off`` by default (it names servers and peers)."""

    level: str = "off"


@dataclass(frozen=True, slots=True)
class UiConfig:
    theme: str = "tuiphone-dark"
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    layout: str = "auto"  # auto | wide | narrow
    avatars: str = "auto"  # auto (kitty/sixel if the terminal has them) | halfcell | off
    confirm_emergency: bool = False  # ask before dialling an emergency number (never slow it)
    alert: tuple[str, ...] = ("bell",)  # on an incoming call: bell | osc | notify
    cursor_blink: bool = True  # false: a steady cursor (no repaint twice a second over SSH)


@dataclass(frozen=True, slots=True)
class DaemonConfig:
    """``[daemon]``: ``on_incoming`` is a command (argv, never a shell) run for each
    incoming call that rings, with the caller's URI, name and the account id appended.
    ``[[hooks]]`` with ``on = "incoming"`` is its general form (in the TUI too)."""

    on_incoming: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """``bind_address`` None listens on every address; ``nameservers`` () means the
    ones in /etc/resolv.conf."""

    bind_address: str | None = None
    echo_line: bool = True  # the built-in test line; uses one of pjsua2's 8 accounts
    sip_trace_file: str | None = None
    history_limit: int = 10000  # call-history rows kept; 0 keeps none
    retention_days: int = 0  # calls, messages and the SIP trace older than this go; 0: kept
    message_retry_hours: int = 24  # an unsent chat message fails after this long
    user_agent: str = "tuiphone"
    nameservers: tuple[str, ...] = ()
    stun_servers: tuple[str, ...] = ()
    rtp_headers: int = 0  # RTP headers kept in memory for `trace --pcap --rtp`; 0: none
    hooks_at_once: int = DEFAULT_AT_ONCE  # [[hooks]] programs running at the same time


@dataclass(frozen=True, slots=True)
class CardDavConfig:
    id: str
    url: str
    username: str | None = None
    secret: SecretSpec | None = None
    verify: bool = True
    ca_file: str | None = None


@dataclass(frozen=True, slots=True)
class ContactsConfig:
    default_region: str = "US"
    vdirs: tuple[str, ...] = ()
    carddav: tuple[CardDavConfig, ...] = ()
    sync_interval: int = 900  # seconds between CardDAV syncs by a running TUI/daemon; 0: never
    fetch_remote_photos: bool = False  # GET photo URLs found in cards (privacy: off)


@dataclass(frozen=True, slots=True)
class ProvisioningConfig:
    """``[provisioning]``: how ``tuiphone provision`` and re-provisioning fetch.

    ``url`` is the service template for the cloud-ID forms (``user@CODE``, ``csc:``
    links); ``interval_hours`` 0 takes the provider's interval (else start-up only).
    """

    url: str | None = None
    method: str = ""  # "" = GET, or POST when post_data is set
    post_data: str = ""
    content_type: str = "application/x-www-form-urlencoded"
    interval_hours: int = 0
    timeout_s: float = 30.0
    verify: bool = True
    ca_file: str | None = None


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Everything tuiphone reads from config.toml (or the embedded default).

    ``secrets`` maps account ids to their SecretSpec (accounts without a
    password are absent). ``warnings`` are formatted like errors but did not
    stop loading. ``embedded`` is True when no file was read.
    """

    accounts: tuple[AccountConfig, ...]
    secrets: Mapping[str, SecretSpec] = field(default_factory=lambda: MappingProxyType({}))
    audio: MediaSettings = MediaSettings()
    ui: UiConfig = UiConfig()
    engine: EngineConfig = EngineConfig()
    log: LogConfig = LogConfig()
    daemon: DaemonConfig = DaemonConfig()
    contacts: ContactsConfig = ContactsConfig()
    quickdial: tuple[QuickDialEntry, ...] = ()
    provisioning: ProvisioningConfig = ProvisioningConfig()
    locations: tuple[LocationProfile, ...] = ()
    hooks: tuple[Hook, ...] = ()  # [[hooks]]: run by the engine's owner (daemon, TUI, shell)
    location_override: str | None = None  # ``location set NAME`` (state.toml)
    source: Path | None = None
    embedded: bool = False
    warnings: tuple[str, ...] = ()

    def account(self, account_id: str) -> AccountConfig | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def backend_settings(self) -> BackendSettings:
        """The part of the config the SIP backend needs at start."""
        return BackendSettings(
            bind_address=self.engine.bind_address,
            media=self.audio,
            user_agent=self.engine.user_agent,
            nameservers=self.engine.nameservers,
            stun_servers=self.engine.stun_servers,
            rtp_headers=self.engine.rtp_headers,
        )
