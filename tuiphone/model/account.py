"""Account configuration and registration state."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tuiphone.model.files import FileConfig
from tuiphone.model.network import IpVersion, NatConfig
from tuiphone.model.rules import CallRules
from tuiphone.model.trust import TrustConfig


class Transport(enum.Enum):
    AUTO = "auto"  # RFC 3263: NAPTR, then SRV, then UDP to the A/AAAA records
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class SrtpMode(enum.Enum):
    OFF = "off"
    OPTIONAL = "optional"
    MANDATORY = "mandatory"


class DtmfMethod(enum.Enum):
    RFC4733 = "rfc4733"
    INFO = "info"
    INBAND = "inband"


@dataclass(frozen=True, slots=True)
class Features:
    """Privacy switches: everything that touches personal data is off by default."""

    blf: bool = False
    presence: bool = False
    mwi: bool = False
    smart_contacts: bool = False
    location: bool = False  # emergency calls carry a PIDF-LO of the matching profile
    location_in_register: bool = False  # REGISTER carries Geolocation: <location_url>
    file_sharing: bool = False
    sip_trace_log: bool = False
    usage_counters: bool = False
    read_receipts: bool = False  # IMDN delivery/display notifications, asked and sent
    typing: bool = False  # is-composing indications, sent and shown


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """One ``[[accounts]]`` table. ``registrar`` None means direct/IP mode (no REGISTER)."""

    id: str
    uri: str
    registrar: str | None = None
    proxy: tuple[str, ...] = ()
    username: str | None = None
    realm: str = "*"
    transport: Transport = Transport.AUTO
    local_port: int = 0
    srtp: SrtpMode = SrtpMode.OFF
    tls_verify: bool = True
    ca_file: str | None = None
    tls_cert_file: str | None = None  # client certificate (mutual TLS); the key's
    tls_key_file: str | None = None  # passphrase is the secret "tls-key:<id>"
    trust: TrustConfig = field(default_factory=TrustConfig)
    nat: NatConfig = field(default_factory=NatConfig)
    ip_version: IpVersion = IpVersion.AUTO
    codecs: tuple[str, ...] = ()
    dtmf: DtmfMethod = DtmfMethod.RFC4733
    auto_answer: bool = False
    register_expires: int = 300
    voicemail: str | None = None  # SIP URI or dial string of the voicemail box
    region: str | None = None  # ISO 3166 code for emergency numbers (None: contacts')
    emergency_numbers: tuple[str, ...] = ()  # besides phonenumbers' list for the region
    dial_prefix: tuple[str, ...] = ()  # PBX outside-line prefixes, stripped to check
    location_url: str | None = None  # by-reference location for REGISTER
    features: Features = field(default_factory=Features)
    files: FileConfig = field(default_factory=FileConfig)  # used with features.file_sharing
    rules: CallRules = field(default_factory=CallRules)
    internal: bool = False  # the engine's own line (echo): its calls are never recorded

    @property
    def registers(self) -> bool:
        return self.registrar is not None


class RegState(enum.Enum):
    NONE = "none"  # direct/IP account: never registers
    REGISTERING = "registering"
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AccountState:
    """What the engine knows about an account right now."""

    id: str
    uri: str
    reg_state: RegState
    code: int = 0
    reason: str = ""
    expires: int = 0
    contact: str = ""
    public_address: str = ""  # Via received= of the registrar's last 200 ("" unknown)
