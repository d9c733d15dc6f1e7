"""The configuration used when there is none, and the example file users start from."""

from __future__ import annotations

import getpass
import re

from tuiphone.config.schema import AppConfig
from tuiphone.model.account import AccountConfig

_NOT_USER = re.compile(r"[^A-Za-z0-9._~-]")


def login_name() -> str:
    """The login name made safe for a SIP user part; ``user`` if there is none."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no $USER and no passwd entry, e.g. some containers
        name = ""
    return _NOT_USER.sub("", name) or "user"


def local_account() -> AccountConfig:
    """The direct-IP account ``local``: no registrar, reachable at 127.0.0.1."""
    return AccountConfig(id="local", uri=f"sip:{login_name()}@127.0.0.1")


def default_config() -> AppConfig:
    """No file at all: one local account plus the echo test line."""
    return AppConfig(accounts=(local_account(),), embedded=True)


EXAMPLE = """\
# tuiphone configuration: $XDG_CONFIG_HOME/tuiphone/config.toml
# Lines starting with '#[' or '#key' are options: remove the '#' to use them.
# The app never rewrites this file; what it saves goes to state.toml.

# A direct/IP account: no registrar, calls go straight to an address.
[[accounts]]
id = "local"
uri = "sip:{user}@127.0.0.1"
#transport = "auto"           # auto (DNS NAPTR/SRV decide) | udp | tcp | tls
#local_port = 0               # 0 picks a free port
#ip_version = "auto"          # auto | ipv4 | ipv6 | prefer-ipv6

# An account on a SIP server. Passwords never sit here in plain text: use
# password_command (run without a shell), password_env = "VAR",
# password_keyring = true, or password_store = true (encrypted store).
#[[accounts]]
#id = "work"
#uri = "sip:alice@example.com"
#registrar = "sip:example.com"
#proxy = ["sip:proxy.example.com;lr"]
#username = "alice"
#password_command = ["pass", "show", "sip/work"]
#transport = "tls"
#srtp = "optional"            # off | optional | mandatory
#tls_verify = true            # against the system's CAs, or ca_file = "..."
#codecs = ["G722", "PCMA", "PCMU"]
#dtmf = "rfc4733"             # rfc4733 | info | inband
#auto_answer = false
#register_expires = 300
#voicemail = "sip:voicemail@example.com"   # F9 sends callers here; F10 calls it
#region = "DE"                # emergency numbers of this country ([contacts] default_region)
#dial_prefix = "0"            # the PBX's outside line: "0112" is an emergency call too
#location_url = "https://lis.example.com/loc/alice"   # REGISTER points here (below)
# Everything that touches personal data is off unless you turn it on.
#[accounts.features]
#blf = true
#presence = true
#mwi = true
#location = true              # emergency calls carry the matching [[locations]] profile
#location_in_register = true  # REGISTER carries Geolocation: <location_url>
#usage_counters = true        # local tallies only (tuiphone usage); never sent
#read_receipts = true         # IMDN delivery/display receipts, asked for and sent
#typing = true                # "is typing…" sent while you type, shown when peers type
#file_sharing = true         # encrypted files through the server below
#[accounts.files]
#server = "https://files.example.com/upload/"
#kind = "put"                 # put (WebDAV/HTTP PUT) | fthttp (RCS FT-over-HTTP POST)
#max_size_mb = 25
#allowed_types = ["image/*", "application/pdf"]   # fetched at once when received
# NAT: what the registrar saw of us is used in Contact, Via and SDP; keep-alives on.
#[accounts.nat]
#contact_rewrite = true
#keepalive = 15               # s between UDP keep-alives; 0: off
#stun = true                  # use [engine] stun_servers, if any
#ice = true                   # off by default; the TURN relay below needs it
#[accounts.nat.turn]          # a TURN relay for ICE
#server = "turn.example.com:3478"
#username = "alice"
#password_command = ["pass", "show", "turn/alice"]

# Where you are, for emergency calls (features.location): a civic address (RFC 5139
# fields) or lat/lon, picked by the network you are on; `tuiphone location show`.
#[[locations]]
#name = "office"
#country = "DE"
#A3 = "Berlin"
#street = "Hauptstraße"
#HNO = "12"
#FLR = "3"
#[locations.match]
#gateway_mac = "02:00:5e:00:53:01"
#subnet = "192.0.2.0/24"

[audio]
mode = "null"                 # null | files | device
#play_file = "~/sounds/hello.wav"  # files mode: played into every call
#record_dir = "~/calls"       # recordings (0600); `tuiphone record start|stop`, r in the TUI
#record_calls = "all"         # with record_dir: all (every call) | none | ask (the TUI asks)
#input = "USB Headset"        # device mode: a name, part of one, or an index (`audio devices`)
#output = "USB Headset"
#ring = "pulse"               # where the ringtone plays (default: output)
#ringtone = "~/sounds/ring.wav"  # device mode: a WAV looped while a call rings

[ui]
theme = "tuiphone-dark"
layout = "auto"               # auto | wide | narrow
avatars = "auto"              # auto (kitty/sixel when the terminal has them) | halfcell | off
#confirm_emergency = false    # ask before dialling an emergency number
#cursor_blink = true          # false: a steady cursor, nothing repainted while idle

[keymap]                      # action id = keys, e.g. "ctrl+d" or "f5,ctrl+n"
#"call.hangup" = "ctrl+e"

[engine]
#bind_address = "192.0.2.10"  # listen on one address only (default: every address)
#nameservers = ["192.0.2.53"] # for SRV/NAPTR lookups (default: /etc/resolv.conf)
#stun_servers = ["stun.example.com:3478"]
echo_line = true              # the built-in test line; it uses one of 8 pjsua2 accounts
history_limit = 10000         # finished calls kept (0: none)
retention_days = 0            # calls, messages, SIP trace older than this go (0: kept)
message_retry_hours = 24      # an unsent chat message is retried this long, then failed
#sip_trace_file = "~/tuiphone-sip.log"
#rtp_headers = 20000          # RTP headers (never audio) kept in memory for trace --rtp
#hooks_at_once = 4            # [[hooks]] programs running at the same time (1-64)

# The application log, $XDG_STATE_HOME/tuiphone/tuiphone.log (0600, rotated at 1 MB):
# off unless set here, since its lines name servers and peers.
#[log]
#level = "info"                # off | error | warning | info | debug

[contacts]
default_region = "US"
#vdirs = ["~/.contacts/personal"]
sync_interval = 900           # s; a running TUI or daemon syncs CardDAV books (0: never)
fetch_remote_photos = false   # true: GET photo URLs found in cards from their servers
#[[contacts.carddav]]
#id = "cloud"
#url = "https://dav.example.com/addressbooks/alice/contacts/"
#username = "alice"
#password_command = "pass show dav/alice"
#verify = true

#[[quickdial]]
#label = "Bob"
#uri = "sip:bob@example.com"
#blf = true
#pickup = "**"
#group = "Team"

# A program run on an event by the process that owns the engine (daemon or TUI): an
# argv, never a shell; the event as JSON on stdin and as TUIPHONE_* variables; {field}
# filled in each element. on = incoming | missed | message | registration_lost |
# registration_ok | call_ended | lamp. Killed after timeout seconds.
#[[hooks]]
#on = "incoming"
#run = ["notify-send", "Call from {caller_name}", "{caller}"]
#timeout = 10
"""


def example_config() -> str:
    """A commented config.toml that loads as is (and with every option uncommented)."""
    return EXAMPLE.replace("{user}", login_name())
