"""What the engine needs to start, independent of how the config file looks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tuiphone.model.account import AccountConfig
from tuiphone.model.backend import BackendSettings
from tuiphone.model.files import KeyVault
from tuiphone.model.location import LocationProfile, NetworkFacts
from tuiphone.model.quickdial import QuickDialEntry

PasswordSource = Callable[[str], str | None]  # account id -> password (may run a command)


def _no_password(_account_id: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class EngineSetup:
    accounts: tuple[AccountConfig, ...] = ()
    passwords: PasswordSource = _no_password
    backend: BackendSettings = field(default_factory=BackendSettings)
    echo_line: bool = True  # the built-in test line reachable as "echo"
    db_path: Path | None = None  # None: history and chat are kept in memory only
    trace_size: int = 2000  # SIP messages kept in the ring
    trace_file: Path | None = None  # append every SIP message here (features.sip_trace_log)
    history_limit: int | None = None  # calls kept (0: none; None: no limit)
    retention_days: int = 0  # calls, messages and trace older than this go (0: kept)
    stats_interval_s: float = 1.0  # RTP stats poll (and CallStatsChanged) while connected
    quickdial: tuple[QuickDialEntry, ...] = ()  # lamps/pickup; subscribed per features
    register_backoff_s: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 120.0, 300.0)
    # Decide each account's route (RFC 3263 DNS, local address, failover) and follow
    # address changes. Off for engines without a network (the fake backend, unit tests).
    routing: bool = False
    message_retry_s: float = 24 * 3600.0  # an unsent message fails after this long
    # waits after the 1st, 2nd, ... transient failure of one message (the last repeats)
    message_backoff_s: tuple[float, ...] = (5.0, 15.0, 60.0, 300.0, 900.0, 1800.0)
    files_dir: Path | None = None  # received files (features.file_sharing); None: none
    file_keys: KeyVault | None = None  # where file keys are kept, wrapped
    media_check_s: float = 3.0  # RTP sent this long with none received: MediaProblem
    locations: tuple[LocationProfile, ...] = ()  # [[locations]] for emergency calls
    location_override: str | None = None  # ``location set NAME``, kept in state.toml
    default_region: str = "US"  # emergency numbers of accounts without ``region``
    # reads the network for location matching (blocking; None: tuiphone.net.netfacts)
    network_facts: Callable[[], NetworkFacts] | None = None
