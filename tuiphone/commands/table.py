"""THE command table: every front end (CLI, REPL, scripts, TUI) reads this and only this.

Declarations only, cheap to import: each handler is a door in ``handlers.py`` that
imports its module when its command runs, so ``tuiphone register`` never loads the
contacts, chat or call code.
"""

from __future__ import annotations

import argparse

from tuiphone.commands import handlers
from tuiphone.commands.spec import CALL, TIMEOUT, Arg, Command, arg


def expect_value(text: str) -> str:
    """argparse type for --expect: ``answered``, ``audio`` or a SIP status code 300-699."""
    if text in ("answered", "audio") or (text.isdigit() and 300 <= int(text) <= 699):
        return text
    raise argparse.ArgumentTypeError("use 'answered', 'audio' or a status code 300-699")


def tone_value(text: str) -> tuple[float, float]:
    """argparse type for --expect-tone: ``880`` or ``880:TOLERANCE`` (Hz; default 20)."""
    freq, _, tolerance = text.partition(":")
    try:
        wanted = (float(freq), float(tolerance) if tolerance else 20.0)
    except ValueError:
        wanted = (0.0, -1.0)
    if not 0 < wanted[0] <= 24000 or wanted[1] < 0:
        raise argparse.ArgumentTypeError("use HZ or HZ:TOLERANCE, e.g. 880 or 880:15")
    return wanted


JSONL = arg("--jsonl", metavar="FILE",
            help="append a JSON line per action to FILE (voip_patrol's result format)")
JUNIT = arg("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")

# --nagios on register, ping, call and doctor (see tuiphone.commands.plugin)
PLUGIN_ARGS = (
    arg("--nagios", action="store_true",
        help="run as a monitoring plugin (Nagios, Icinga, Checkmk): one status line with "
             "perfdata on stdout, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN"),
    arg("--warning", metavar="METRIC=RANGE,...",
        help="with --nagios: WARNING when a metric is outside its range (Nagios range "
             "syntax; a bare number is a limit on the bad side: rtt=50,mos=3.8)"),
    arg("--critical", metavar="METRIC=RANGE,...",
        help="with --nagios: CRITICAL when a metric is outside its range"),
)

_PLUGIN_DETAILS = """Monitoring mode (--nagios): prints 'TUIPHONE OK - text | perfdata' and exits
0 OK, 1 WARNING, 2 CRITICAL (the check failed: no answer, refused, an assertion), 3 UNKNOWN
(the check could not be made: bad options, config). Nothing goes to stderr. The run
never takes longer than the command's own timeout allows plus 10 s.
Metrics for --warning/--critical: """


def _limit(default: int) -> Arg:
    return arg("--limit", type=int, default=default, metavar="N", help="at most N entries")


# = the values of tuiphone.model.trust.Vouch (a test checks), spelled out to keep this cheap
VOUCHES = ("passed", "failed", "no-validation", "verified", "unverified")

# = tuiphone.model.backend.PRESENCE_STATES (a test checks), spelled out to keep this cheap
PRESENCE_STATES = ("available", "away", "dnd", "busy", "on-the-phone", "offline")

# the contacts actions, in the order contacts.py dispatches them
CONTACT_ACTIONS = (
    "search", "show", "lookup", "sync", "import", "export", "add", "edit", "delete", "books"
)

_CONTACTS_DETAILS = """actions:
  search [TEXT]          contacts matching every word (exit 1 if none)
  show ID                one contact in full (ID from search)
  lookup NUMBER_OR_URI   the contact owning a number or SIP URI (exit 1 if none)
  sync [BOOK]            sync CardDAV books, progress on stderr (exit 5 network/TLS)
  import FILE            copy a .vcf file's cards into the first vdir
  export                 every card to stdout (--format vcf|json)
  add --set fn=NAME ...  new card in --book (default: the first writable book)
  edit ID --set F=V ...  change fields; only the edited lines of the card change
  delete ID              remove the card (vdir file or CardDAV resource)
  books                  the configured books: kind, place, contacts, last sync
fields for --set: fn, nickname, title, org, note, birthday, gender (text: "F",
"O non-binary", or words alone); phones, emails, sips, categories, addresses
(repeat --set to give several; an empty value clears the list; an address is
"home: street; city; region; postal code; country");
photo=@FILE (an image, at most 1 MB; photo= removes it)"""

_DATA_DETAILS = """actions:
  show                   what is kept, where, and how big (rows, bytes)
  export [--out FILE]    calls, messages, attachment records, counters, provisioning
                         consents and the location each emergency call carried, as JSON,
                         and the list of received files
  erase --yes            delete them, compact the database, remove the SIP trace log,
                         the app log, the shell history, the provisioning consents,
                         the install id, the address-book caches, the received files
                         and their keys (your vCard folders, config, QuickDial and
                         secrets stay)
  erase --peer URI --yes only one peer's calls, messages and received files"""

_LOCATION_DETAILS = """actions:
  show          the profile an emergency call would carry now, the rule that matched
                (override, gateway_mac, ssid, public_address, subnet) with what was
                observed of the network, and the PIDF-LO itself
  set NAME      send NAME whatever the network (kept in state.toml)
  set --auto    match the network again
Exit status: 2 for an unknown NAME."""

_CONFERENCE_DETAILS = """actions:
  [add] [CALL...]   add the calls to the local conference (made with them if there is
                    none); with no call, every connected call. Calls on hold are resumed
                    first. Each member hears all the others; the mixing is done here.
  remove CALL...    take the calls out and hold them; the others talk on. A conference
                    left with one call is over.
  split             every call out of the conference, each held: resume the one to
                    talk to
  show              the calls in the conference
The Calls pane marks members "⧉ conf". Exit status: 2 for fewer than two calls, or a
call that is not in the conference."""

_CONFIG_DETAILS = """actions:
  path    the file tuiphone reads (--config, $TUIPHONE_CONFIG or the default) and whether
          it exists
  init    write a commented starter config there (mode 0600); never overwrites
  check   load it as the engine would: every problem as file:line: key: message (exit 2)
  show    every effective value; --origin says where each came from: config.toml:LINE,
          provisioned TIME from URL (locked by the provider, when it is), or default"""

_SECRETS_DETAILS = """actions:
  list        stored names, and the names the config reads from the store
  set NAME    store a password: one line from standard input, or asked twice
  rm NAME     remove it
The store's passphrase comes from $TUIPHONE_PASSPHRASE or is asked on the terminal
(twice for a new store). No value is ever printed."""

_PROVISION_DETAILS = """targets:
  URL          fetch the provider's values from this URL template (placeholders
               %username%, %password%, %fullcode% are filled, URL-encoded)
  user@CODE    a cloud ID: [provisioning] url is the template, CODE is %fullcode%
  csc:LINK     a provisioning link csc:user:password@CODE (also: tuiphone open csc:...)
  status       source (password redacted), last attempt and success, age, locked,
               ignored and pending changes of each provisioned account
  accept       turn on the data features a provider asked for (they wait until you do)
  reject       keep them off; recorded, and not asked again
  refresh      fetch every provisioned account again now (or --account ID)
  forget       --account ID: drop the provider's values, state and stored passwords for it
Values go to provisioned/ACCOUNT.toml beside config.toml (0600); your config.toml wins
over them, except keys the provider locked. Passwords go to the secret store.
Exit status: 0 applied, 4 refused by the server (its message printed), 5 network or
TLS error, 2 a response that cannot be used. A failure changes no file."""

_OPEN_DETAILS = """sip:, sips:, tel: the running engine (daemon or TUI) dials the link and this
prints the call; with no engine running the TUI starts with it in the dialpad (Enter
dials). tel: numbers lose their separators and parameters, then go through the
account's dialling rules. csc: links are handed to 'provision'.
share/applications/tuiphone.desktop makes tuiphone the handler:
  xdg-mime default tuiphone.desktop x-scheme-handler/sip   (and sips, tel)"""

_TRACE_DETAILS = """--ladder draws one dialog as the TUI's ladder pane does: a line per message,
its time from the first, an arrow local -> peer or back, then every message in full.
Authorization and Proxy-Authorization values are replaced by [redacted] in every
format (text, markdown, svg, --json). With --from-pcap FILE it reads a capture
(pcap or pcapng; Ethernet, Linux cooked SLL/SLL2 or raw IP; IPv4 and IPv6; UDP, and
TCP cut into messages by Content-Length) and needs no engine. IP fragments are not
reassembled; TLS is not decrypted (use the engine's own trace for TLS).
Exit status: 2 for a file that is no capture, or no such dialog."""

_DOCTOR_DETAILS = """One line per check, ok, warn or FAIL, with the fix under it. With no running
engine a private one sends OPTIONS and REGISTER (then unregisters); attached to a
running engine, its registration is reported and no second binding is made.
Exit status: 0 when nothing failed (warnings too), else the worst failure's:
2 config, secrets or runtime directory, 5 DNS, route, TLS or STUN, 3 no answer
from the registrar, 4 REGISTER refused (wrong password), 6 another engine holds
the accounts, 1 anything else."""

_RECORD_DETAILS = """actions:
  start [CALL] [--out FILE] [--stereo]   record the call from now on into a WAV
          file (0600): the far end and what the call hears from us (the
          microphone in device mode, the played file in files mode), mixed; with
          --stereo the far end on the left, us on the right. FILE is a path on the
          engine's machine; without it, [audio] record_dir/START-CALL.wav.
  stop [CALL]   finish the recording (it also ends with the call)
Exit status: 2 no such call, already recording, no record_dir, unwritable file."""

_AUDIO_DETAILS = """actions:
  devices              every device PortAudio lists on the engine's machine: index,
                       name, host API, input and output channels, the defaults
  use ROLE DEVICE      use DEVICE as the input, output or ring device (a call's
                       sound moves at once) and keep it across restarts in
                       state.toml, over [audio] input/output/ring of config.toml;
                       DEVICE is a name, part of one, or an index; 'default' for
                       the system's; --once: only until the engine stops
Exit status: 2 for a device that matches none or several (the list is printed;
nothing is kept)."""

COMMANDS: tuple[Command, ...] = (
    # info
    Command("status", "show the engine: accounts, calls, audio mode", handlers.status,
            echo=True),
    Command("accounts", "list accounts and their registration state", handlers.accounts,
            aliases=("acc",)),
    # register
    Command("register", "send REGISTER and wait for the final answer", handlers.register,
            args=(TIMEOUT, JUNIT, JSONL, *PLUGIN_ARGS), aliases=("reg",),
            details="Prints status code, reason, expiry, time to the final response and\n"
                    "the number of 401/407 challenges seen in the SIP trace.\n\n"
                    + _PLUGIN_DETAILS + "time (ms; --timeout defaults to 10 s)"),
    Command("unregister", "remove the registration (REGISTER with Expires: 0)",
            handlers.unregister,
            aliases=("unreg",)),
    # ping
    Command("ping", "send OPTIONS and print the round-trip time of each", handlers.ping, args=(
        arg("uri", metavar="URI", complete="contact", help="target (URI, number or user)"),
        arg("--count", "-c", type=int, default=1, metavar="N", help="number of requests"),
        arg("--interval", "-i", type=float, default=1.0, metavar="S",
            help="seconds between requests"),
        arg("--timeout", type=float, default=5.0, metavar="S", help="wait per request"),
        *PLUGIN_ARGS,
    ), details=_PLUGIN_DETAILS + "rtt (ms, the mean), loss (% of requests unanswered)"),
    # call
    Command("call", "place a test call and report its setup time and media quality", handlers.call,
            aliases=("dial",), args=(
        arg("uri", metavar="URI", complete="contact", help="who to call (URI, number, user, echo)"),
        arg("--header", "-H", action="append", metavar="'NAME: VALUE'",
            help="add a SIP header to the INVITE (repeatable)"),
        arg("--play", metavar="WAV", help="play this WAV file into the call"),
        arg("--record", metavar="WAV", help="record the call into this WAV file"),
        arg("--dtmf", metavar="DIGITS", help="send DIGITS after answer (',' = 1 s pause)"),
        arg("--duration", type=float, default=0.0, metavar="S", help="stay S seconds"),
        arg("--timeout", type=float, default=30.0, metavar="S",
            help="wait at most S seconds for answer (exit 3), and as long for the "
                 "account's registration first"),
        arg("--no-register", action="store_true",
            help="send the INVITE at once, without waiting for the account's "
                 "registration (it still registers as configured)"),
        arg("--expect", type=expect_value, metavar="answered|audio|CODE",
            help="the outcome that counts as success (default: answered; audio: answered "
                 "with RTP received, checked for at least 4 s)"),
        arg("--expect-dtmf", metavar="DIGITS", help="fail (exit 1) unless DIGITS come back"),
        arg("--expect-media", choices=("two-way", "inbound", "outbound", "none"),
            help="fail (exit 1) unless RTP flowed this way (stays at least 4 s)"),
        arg("--expect-codec", metavar="NAME", help="fail (exit 1) unless the call used "
                                                   "this codec (PCMA, G722, speex ...)"),
        arg("--expect-tone", type=tone_value, metavar="HZ[:TOL]",
            help="fail (exit 1) unless the received audio's dominant frequency is HZ "
                 "(+/- TOL, default 20 Hz); measured on a recording (stays at least 4 s)"),
        arg("--min-mos", type=float, metavar="X", help="fail (exit 1) if MOS is below X"),
        arg("--max-loss", type=float, metavar="PCT",
            help="fail (exit 1) if more than PCT %% of the RTP packets were lost"),
        arg("--max-jitter", type=float, metavar="MS",
            help="fail (exit 1) if the RX jitter is above MS milliseconds"),
        arg("--srtp", choices=("off", "optional", "mandatory"),
            help="SRTP for this call (only with a private engine)"),
        arg("--junit", metavar="FILE", help="also write a JUnit XML report to FILE"),
        JSONL,
        arg("--csv", metavar="FILE", help="append a row for the call to FILE (the columns "
                                          "of load --csv, SIPp-like)"),
        arg("--dry-run", action="store_true",
            help="print the INVITE that would be sent (what only the SIP stack knows at "
                 "send time is marked) and send nothing"),
        *PLUGIN_ARGS,
    ), details=_PLUGIN_DETAILS + "setup (ms), mos, loss (%), jitter (ms), rtt (ms)"),
    # callctl
    Command("calls", "list the calls in progress", handlers.calls, running=True),
    Command("answer", "answer an incoming call", handlers.answer, args=(CALL,), running=True,
            aliases=("a",)),
    Command("reject", "reject an incoming call", handlers.reject, running=True, args=(
        CALL, arg("--code", type=int, default=486, metavar="N",
                  help="final response code, 300-699 (default 486)"))),
    Command("hangup", "end a call (or every call)", handlers.hangup, running=True, aliases=("h",),
            args=(CALL, arg("--all", action="store_true", help="end every call"))),
    # midcall
    Command("hold", "put a call on hold", handlers.hold, args=(CALL,), running=True),
    Command("resume", "take a call off hold", handlers.resume, args=(CALL,), running=True),
    Command("mute", "stop sending audio", handlers.mute, args=(CALL,), running=True),
    Command("unmute", "send audio again", handlers.unmute, args=(CALL,), running=True),
    Command("dtmf", "send DTMF digits (0-9 * # A-D)", handlers.dtmf, running=True, args=(
        arg("digits", metavar="DIGITS", help="the digits"),
        arg("--call", metavar="CALL", complete="call", help="call id")),),
    Command("transfer", "transfer a call (blind, or attended with --attended)", handlers.transfer,
            running=True, aliases=("xfer",), args=(
        arg("target", metavar="TARGET", nargs="?", complete="contact",
            help="where to send the call (blind transfer)"),
        arg("--attended", metavar="CALL", complete="call",
            help="connect to this other call instead (attended transfer)"),
        arg("--call", dest="call_from", metavar="CALL", complete="call",
            help="the call to transfer (default: the only one)")),),
    Command("conference", "a local conference: add calls, remove them, split it, show it",
            handlers.conference, running=True, aliases=("conf",), details=_CONFERENCE_DETAILS,
            args=(
        arg("words", nargs="*", metavar="[ACTION] CALL",
            complete=("add", "remove", "split", "show"),
            help="add CALL... (the default; no calls: every connected call; held ones "
                 "are resumed), remove CALL... (taken out and held), split (every call "
                 "out, held), show"),)),
    Command("record", "record a call now, or stop recording it", handlers.record,
            running=True, details=_RECORD_DETAILS, args=(
                arg("action", choices=("start", "stop"), metavar="ACTION",
                    complete=("start", "stop"), help="start or stop"),
                CALL,
                arg("--out", metavar="FILE",
                    help="start: the WAV file (default: [audio] record_dir/START-CALL.wav)"),
                arg("--stereo", action="store_true",
                    help="start: the far end on the left channel, us on the right"))),
    Command("audio", "the sound devices, and which one a call uses (audio mode \"device\")",
            handlers.audio, details=_AUDIO_DETAILS, args=(
                arg("action", choices=("devices", "use"), metavar="ACTION",
                    complete=("devices", "use"), help="devices or use"),
                arg("role", nargs="?", choices=("input", "output", "ring"), metavar="ROLE",
                    complete=("input", "output", "ring"), help="use: input, output or ring"),
                arg("device", nargs="?", metavar="DEVICE",
                    help="use: a device name (or part of one) or index; 'default'"),
                arg("--once", action="store_true",
                    help="use: only until the engine stops (not kept in state.toml)"))),
    # chat
    Command("message", "send a chat message (SIP MESSAGE)", handlers.message, aliases=("msg",),
            args=(
        arg("uri", metavar="URI", complete="contact", help="recipient"),
        arg("text", metavar="TEXT", nargs="?", default="",
            help="the message (quote it); with --file it goes first, on its own; a text "
                 "over 2500 bytes goes as numbered parts (said on stderr)"),
        arg("--file", metavar="PATH", help="send this file, encrypted, through the "
            "account's upload server (features.file_sharing); progress on stderr"),
        arg("--wait", choices=("sent", "delivered", "displayed"), default="sent",
            help="the state to wait for (default sent: a 2xx; delivered, displayed: an "
                 "IMDN receipt, which needs features.read_receipts and a peer that sends "
                 "them); exit 3 if not reached in time, 4 if refused"),
        arg("--timeout", type=float, default=10.0, metavar="S",
            help="wait S seconds for that state (the message stays queued after)"))),
    Command("messages", "list chat messages, optionally with one peer", handlers.messages,
            args=(arg("uri", metavar="URI", nargs="?", complete="contact",
                      help="only the thread with this peer (any spelling of its URI)"),
                  _limit(100),
                  arg("--pending", action="store_true",
                      help="only the outbox: messages queued or being sent"),
                  arg("--search", metavar="TEXT",
                      help="only messages holding every word of TEXT, newest first (taken "
                           "as plain words; a word ending in * matches as a prefix)"))),
    Command("resend", "send a failed chat message again", handlers.resend, args=(
        arg("id", metavar="ID", help="the message id (from messages)"),)),
    Command("download", "download (again) the files of a received message",
            handlers.download, args=(
                arg("id", metavar="ID", help="the message's id (see 'messages')"),
                arg("--out", metavar="PATH", help="a folder or file name to save to "
                    "(default $XDG_DATA_HOME/tuiphone/files; never overwrites)"))),
    Command("history", "list recent calls", handlers.history, running=True,
            args=(_limit(50), arg("--identity", choices=VOUCHES, default=None, metavar="VOUCH",
                                  help="only incoming calls whose caller identity the network "
                                       f"vouched for this way: {', '.join(VOUCHES)}",
                                  complete=VOUCHES))),
    # wait
    Command("wait", "block until a condition holds (exit 3 on timeout)", handlers.wait, args=(
        arg("condition", choices=("registered", "call", "message", "dtmf", "lamp"),
            help="registered | call STATE | message | dtmf DIGITS | lamp URI STATE"),
        arg("params", nargs="*", metavar="PARAM",
            complete=("incoming", "ringing", "connected", "ended"),
            help="STATE, DIGITS, or URI STATE"),
        arg("--from", dest="sender", metavar="URI", help="wait message: only from this peer"),
        arg("--with-file", action="store_true",
            help="wait message: one carrying a file, until the file is saved"),
        arg("--timeout", type=float, default=30.0, metavar="S",
            help="give up after S seconds (0 waits forever; default 30)"),
        arg("--answer", action="store_true",
            help="wait call incoming: answer it, then play/record for --duration, hang "
                 "up and report as 'call' does (an auto-answer test bot)"),
        arg("--play", metavar="WAV", help="--answer: play this WAV file into the call"),
        arg("--record", metavar="WAV", help="--answer: record the call into this WAV file"),
        arg("--duration", type=float, default=0.0, metavar="S",
            help="--answer: stay S seconds before hanging up (the caller may end it first)"),
    ), details="Examples:\n  tuiphone wait registered --timeout 10\n"
               "  tuiphone wait call incoming\n  tuiphone wait dtmf 123#\n"
               "  tuiphone wait call incoming --answer --play tone.wav --duration 5\n"
               "  tuiphone wait message --from sip:bob@example.com\n"
               "  tuiphone wait lamp sip:alice@example.com busy --timeout 60"),
    # streams
    Command("stats", "a call's codec, loss, jitter, RTT and MOS; --follow: every second",
            handlers.stats, running=True, stream=True,
            details="Without CALL: the one connected call. --follow prints a line a second\n"
                    "until the call ends (also as call_stats events in `events`).",
            args=(CALL, arg("--follow", "-f", action="store_true",
                            help="keep printing until the call ends"))),
    Command("events", "stream engine events as JSON lines (starts with a snapshot)",
            handlers.events,
            running=True, stream=True),
    Command("trace", "print the SIP trace; --follow for new messages, --pcap to save, "
            "--ladder for a call's ladder", handlers.trace,
            running=True, stream=True, local_if="from_pcap", details=_TRACE_DETAILS, args=(
        arg("--follow", "-f", action="store_true", help="keep printing new messages"),
        arg("--pcap", metavar="FILE",
            help="write a pcapng file for Wireshark (TCP and decrypted TLS as TCP)"),
        arg("--rtp", action="store_true",
            help="with --pcap: add the RTP headers the engine kept ([engine] rtp_headers), "
                 "each packet cut after its header"),
        arg("--limit", type=int, default=1000, metavar="N", help="past messages to include"),
        arg("--ladder", action="store_true",
            help="print one dialog as a ladder, then its messages (Authorization redacted)"),
        arg("--call", metavar="CALL-ID", complete="call",
            help="--ladder: this dialog (SIP Call-ID or its start, or a call id of the "
                 "engine; default: the last call); --call=ID for one starting with '-'"),
        arg("--format", choices=("text", "markdown", "svg"), default="text",
            help="--ladder: text (default), markdown (for a ticket) or svg"),
        arg("--from-pcap", metavar="FILE",
            help="--ladder from a pcap or pcapng of SIP (ours, tshark's, tcpdump's); "
                 "needs no engine"),
        arg("--local", metavar="ADDR:PORT",
            help="--from-pcap: the side drawn as 'local' (default: the sender of the "
                 "dialog's first message)"),
    )),
    # contacts
    Command("contacts", "search, show, look up, sync, import and export contacts",
            handlers.contacts,
            local=True, details=_CONTACTS_DETAILS, args=(
                arg("action", choices=CONTACT_ACTIONS, metavar="ACTION",
                    complete=CONTACT_ACTIONS,
                    help="search, show, lookup, sync, import, export, add, edit, delete, "
                         "books"),
                arg("target", nargs="?", default=None, metavar="ARG",
                    help="TEXT, ID, NUMBER_OR_URI, BOOK or FILE, by action"),
                arg("--format", choices=("vcf", "json"), default="vcf",
                    help="export format (default vcf; --json implies json)"),
                arg("--limit", type=int, default=50, metavar="N",
                    help="search: at most N contacts"),
                arg("--set", action="append", metavar="FIELD=VALUE",
                    help="add/edit: a field to set (repeatable)"),
                arg("--book", metavar="BOOK", help="add: the book to add to"))),
    # privacy
    Command("data", "see, export or erase everything tuiphone keeps (history, chat, caches)",
            handlers.data, local=True, details=_DATA_DETAILS, args=(
                arg("action", choices=("show", "export", "erase"), metavar="ACTION",
                    complete=("show", "export", "erase"), help="show, export or erase"),
                arg("--out", metavar="FILE", help="export: write to FILE (mode 0600)"),
                arg("--peer", metavar="URI",
                    help="erase: only this peer's calls, messages, files and SIP trace "
                         "records"),
                arg("--yes", action="store_true", help="erase: really delete"))),
    Command("usage", "the local usage counters (features.usage_counters): calls, minutes, "
            "messages, registrations, starts, screens, crashes", handlers.usage, local=True,
            args=(
                arg("action", nargs="?", default="show", choices=("show", "reset"),
                    metavar="ACTION", complete=("show", "reset"),
                    help="show (default) or reset"),
                arg("--yes", action="store_true", help="reset: really delete"))),
    Command("debug-bundle", "write a tar.gz for a bug report (redacted; to a local file)",
            handlers.debug_bundle, local=True, args=(
                arg("--out", metavar="FILE",
                    help="where (default tuiphone-debug-DATE.tar.gz here; mode 0600)"),
                arg("--since", default="24h", metavar="AGE",
                    help="log and trace of the last AGE (30m, 1h, 2d; default 24h)"),
                arg("--with-chat", action="store_true",
                    help="also the chat messages of that time (left out by default)"))),
    Command("config", "where the config file is, a commented starter, or a check of it",
            handlers.config, local=True, details=_CONFIG_DETAILS, args=(
                arg("action", choices=("path", "init", "check", "show"), metavar="ACTION",
                    complete=("path", "init", "check", "show"),
                    help="path, init, check or show"),
                arg("--origin", action="store_true",
                    help="show: where each value came from"))),
    Command("secrets", "the encrypted secret store behind password_store = true",
            handlers.secrets, local=True, terminal=True, aliases=("secret",),
            details=_SECRETS_DETAILS, args=(
                arg("action", choices=("list", "set", "rm"), metavar="ACTION",
                    complete=("list", "set", "rm"), help="list, set or rm"),
                arg("name", nargs="?", default=None, metavar="NAME", complete="account",
                    help="an account id, carddav:<id> or turn:<id>"))),
    # provisioning
    Command("provision", "configure accounts from a provider's URL; see what is provisioned",
            handlers.provision, local=True, terminal=True, logs=True,
            details=_PROVISION_DETAILS, args=(
                arg("target", metavar="URL|user@CODE|csc:LINK|ACTION",
                    complete=("status", "accept", "reject", "refresh", "forget"),
                    help="a URL template, cloud ID or csc: link; or status, accept, reject, "
                         "refresh, forget"),
                arg("--username", metavar="U", help="fills %%username%%"),
                arg("--password-file", metavar="F",
                    help="the first line of F fills %%password%%"),
                arg("--password-env", metavar="VAR", help="$VAR fills %%password%%"),
                arg("--dry-run", action="store_true",
                    help="print what would change, key by key; change nothing"))),
    Command("open", "open a link: sip:, sips:, tel: dial it; csc: provisions (the desktop's "
            "URI handler)", handlers.open_link, local=True, terminal=True, logs=True,
            details=_OPEN_DETAILS, args=(
                arg("link", metavar="LINK", help="sip:URI, sips:URI, tel:NUMBER; or "
                    "csc:user:password@CODE, csc:user@CODE, csc:CODE"),
                arg("--dry-run", action="store_true", help="csc: change nothing"))),
    # doctor
    Command("doctor", "check the setup: config, secrets, DNS, route, TLS, registrar, audio, "
            "terminal, socket, clock", handlers.doctor, opens=True,
            details=_DOCTOR_DETAILS + "\n\n" + _PLUGIN_DETAILS
            + "failed, warnings (counts; a warning alone gives WARNING)",
            args=(arg("--timeout", type=float, default=5.0, metavar="S",
                      help="wait S seconds for OPTIONS and REGISTER (default 5)"),
                  *PLUGIN_ARGS)),
    # lamps
    Command("lamps", "list the BLF/presence lamps of the QuickDial entries", handlers.lamps,
            echo=True,
            details="Entries are watched only when the default account turns on\n"
                    "features.blf (blf entries) or features.presence (presence entries)."),
    Command("location", "the location an emergency call would carry, and picking one by hand",
            handlers.location, details=_LOCATION_DETAILS, args=(
                arg("action", choices=("show", "set"), metavar="ACTION",
                    complete=("show", "set"), help="show or set"),
                arg("name", nargs="?", default=None, metavar="NAME",
                    help="set: the [[locations]] profile to send"),
                arg("--auto", action="store_true",
                    help="set: forget the hand-picked profile; match the network again"))),
    Command("presence", "publish our presence (features.presence)", handlers.presence, args=(
        arg("action", choices=("set",), help="set"),
        arg("state", choices=PRESENCE_STATES, metavar="STATE",
            help="available | away | dnd | busy | on-the-phone | offline"),
        arg("--note", default="", metavar="TEXT", help="a note shown to watchers"),
    )),
    Command("dnd", "do not disturb: show it, or turn it on, off or toggle it", handlers.dnd,
            running=True,
            details="With --account only that account, else every account. Calls are then\n"
                    "answered by the account's [accounts.rules] dnd_action (486 Busy Here,\n"
                    "or 302 to its voicemail) without ringing, and presence says dnd where\n"
                    "features.presence is on. The rule's dnd = true turns it on at start.",
            args=(arg("state", nargs="?", default=None, choices=("on", "off", "toggle"),
                      help="on | off | toggle (none: show)"),)),
    Command("codecs", "the codecs this build offers, in the order a call offers them",
            handlers.codecs,
            details="The account's codecs = [...] come first (--account, else the default\n"
                    "account), then G722, PCMA, PCMU, then the rest. pjsua keeps one order\n"
                    "for the whole process: each call sets it just before its offer or answer."),
    Command("pickup", "pick up a call ringing at a QuickDial entry (Replaces, or its pickup "
            "code)", handlers.pickup, echo=True,
            details="With the entry's BLF lamp ringing and its dialog-info carrying the\n"
                    "call-id and both tags, an INVITE with Replaces (RFC 3891, early-only)\n"
                    "goes to the caller, who drops the ringing extension for us. Otherwise\n"
                    "the entry's pickup code is dialled (e.g. pickup = \"*8{ext}\").",
            args=(arg("target", metavar="KEY|URI", complete="contact",
                      help="the entry's label or URI"),)),
)

BY_NAME: dict[str, Command] = {name: c for c in COMMANDS for name in c.names}


def find(name: str) -> Command | None:
    return BY_NAME.get(name)
