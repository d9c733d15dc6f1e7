"""Network audit: what tuiphone sends, and to whom, with each data switch off and on.

How it is seen, and what is not:

* tuiphone runs inside a lab namespace (a "far" host whose only link leads to the root
  namespace). A veth pair with nothing behind it carries a default route there, so a
  packet meant for anywhere else is really sent (and goes nowhere) instead of failing
  with "no route". An nftables ``output`` hook records every TCP and UDP destination (address,
  protocol, port) in a set. This sees pjsua2's C sockets too (SIP, RTP, DNS, STUN),
  which no Python audit hook can. Kamailio runs in the root namespace on the link's
  root-side address, so its own packets are never counted as ours.
* The CLI runs under a Python audit hook (``audit_main.py``) logging ``socket.connect``,
  ``sendto``, ``sendmsg`` and ``getaddrinfo``: name lookups that never reach the wire
  (``/etc/hosts``) and Unix-socket use show up there.
* Which SIP requests a switch adds is read from the engine's own SIP trace (every message
  pjsua2 sent, all accounts): the addresses alone cannot tell a SUBSCRIBE from a REGISTER
  when both go to the registrar.
* Limits: ICMP and raw sockets are not recorded; an "off" run can only show that nothing
  was sent up to a moment (here: after registering, publishing presence, loading the
  address book and a round trip to the registrar), not forever.

"Loopback" below means 127.0.0.0/8, ::1 and the namespace's own addresses (traffic to
them never leaves the host).
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.lab import procs
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.net.host import Host
from tests.lab.net.lab import NetLab
from tests.support.vdir import write_vdir
from tuiphone.model.contact import ContactPhoto

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
AUDIT_MAIN = Path(__file__).with_name("audit_main.py")
RECORDER = """
table inet audit {
  set v4 { type ipv4_addr . inet_proto . inet_service; flags dynamic; size 65535; }
  set v6 { type ipv6_addr . inet_proto . inet_service; flags dynamic; size 65535; }
  chain out {
    type filter hook output priority 0; policy accept;
    meta nfproto ipv4 meta l4proto { tcp, udp } add @v4 { ip daddr . meta l4proto . th dport }
    meta nfproto ipv6 meta l4proto { tcp, udp } add @v6 { ip6 daddr . meta l4proto . th dport }
  }
}
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
Dest = tuple[str, str, int]


class Audited:
    """tuiphone's commands and daemon inside ``host``, every destination recorded."""

    def __init__(self, host: Host, work: Path, v6_default: bool = True) -> None:
        self.host, self.work = host, work
        self.audit_logs: list[Path] = []
        host.run(["ip", "link", "add", "audit0", "type", "veth", "peer", "name", "audit1"])
        host.run(["ip", "link", "set", "audit1", "up"])
        host.run(["ip", "link", "set", "audit0", "up"])
        host.run(["ip", "route", "add", "default", "dev", "audit0"])
        if v6_default:
            host.run(["ip", "-6", "route", "add", "default", "dev", "audit0"], check=False)
        host.nft(RECORDER)

    def env(self, log: Path) -> dict[str, str]:
        env = cli.cli_env()
        env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
        env["TUIPHONE_AUDIT_LOG"] = str(log)
        env["ALICE_PW"] = USERS["alice"]
        env["TUIPHONE_PASSPHRASE"] = "audit passphrase"  # file keys (file sharing only)
        self.audit_logs.append(log)
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        log = self.work / f"audit-{len(self.audit_logs)}.jsonl"
        return self.host.run([sys.executable, str(AUDIT_MAIN), *args], check=False,
                             timeout=90, env=self.env(log), cwd=cli.ROOT)

    def daemon(self, config: Path) -> subprocess.Popen[bytes]:
        log = self.work / "daemon-audit.jsonl"
        return self.host.spawn([sys.executable, str(AUDIT_MAIN), "--config", str(config),
                                "daemon"], self.work / "daemon.out", env=self.env(log),
                               cwd=cli.ROOT)

    def destinations(self) -> set[Dest]:
        """Every (address, protocol, port) sent to from inside so far."""
        found: set[Dest] = set()
        for name in ("v4", "v6"):
            listed = self.host.run(["nft", "-j", "list", "set", "inet", "audit", name]).stdout
            for item in json.loads(listed)["nftables"]:
                for elem in item.get("set", {}).get("elem", []):
                    value = elem["elem"]["val"] if "elem" in elem else elem
                    addr, proto, port = value["concat"]
                    found.add((addr, {6: "tcp", 17: "udp"}.get(proto, str(proto)), int(port)))
        return found

    def external(self) -> set[Dest]:
        return {d for d in self.destinations() if not self.local(d[0])}

    def local(self, addr: str | None) -> bool:
        return addr is None or addr.startswith("127.") or addr in (
            "::1", "localhost", "", *self.host.addrs)

    def python_calls(self) -> list[dict[str, Any]]:
        return [json.loads(line) for log in self.audit_logs if log.exists()
                for line in log.read_text().splitlines()]

    def python_external(self) -> list[dict[str, Any]]:
        """Python's socket calls towards other hosts. A UDP ``connect`` sends nothing (it
        asks the kernel for the route: ``tuiphone.net.routes``), so it is left out; what
        such a socket then sends (``send`` has no audit event) the packet record shows."""
        return [c for c in self.python_calls()
                if not c.get("unix") and not self.local(c["host"])
                and not (c["event"] == "socket.connect" and c.get("datagram"))]


@pytest.fixture
def audited(netlab: NetLab, tmp_path: Path) -> Audited:
    return Audited(netlab.far(v6=False), tmp_path)


def test_no_ipv6_route_still_asks_dns_nothing(netlab: NetLab, tmp_path: Path) -> None:
    """An IPv4-only network (IPv6 sockets, no IPv6 route): the stack's IPv6 listener
    must not make pjlib look this host's name up (an AAAA query to the DNS server)."""
    audited = Audited(netlab.far(v6=False), tmp_path, v6_default=False)
    done = audited.run("--json", "status")
    assert done.returncode == 0, done.stderr
    assert audited.external() == set()


@pytest.fixture
def registrar(netlab: NetLab, audited: Audited,
              kamailio_factory: Callable[..., Kamailio]) -> Kamailio:
    """Kamailio in the root namespace, on the root side of tuiphone's only link."""
    return kamailio_factory(address=netlab.uplink(audited.host).root_v4)


def _config(tmp_path: Path, kam: Kamailio, features: str = "", extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[accounts]]\nid = "alice"\nuri = "sip:alice@{kam.domain}"\n'
        f'registrar = "sip:{kam.host}:{kam.port}"\nusername = "alice"\n'
        f'password_env = "ALICE_PW"\n[accounts.features]\n{features}\n{extra}')
    path.chmod(0o600)
    return path


def test_no_config_contacts_nothing_outside_loopback(audited: Audited) -> None:
    for words in (("config", "check"), ("config", "path"), ("data", "show"),
                  ("--json", "status"), ("accounts",), ("usage",)):
        done = audited.run(*words)
        assert done.returncode in (0, 2), f"{words}: {done.stderr}"
    called = audited.run("--json", "call", "echo", "--expect", "answered", "--duration", "0.3")
    assert json.loads(called.stdout)["result"] == "answered", called.stderr
    assert audited.external() == set()
    assert audited.destinations(), "the echo call's own loopback traffic was recorded"
    assert audited.python_external() == []


def test_default_config_contacts_only_the_registrar(
    audited: Audited, registrar: Kamailio, tmp_path: Path
) -> None:
    config = _config(tmp_path, registrar)
    for words in (("--json", "register"), ("--json", "status"), ("accounts",),
                  ("data", "show"), ("--json", "ping", registrar.registrar_uri)):
        done = audited.run("--config", str(config), *words)
        assert done.returncode == 0, f"{words}: {done.stdout}{done.stderr}"
    called = audited.run("--config", str(config), "--json", "call",
                         f"sip:nobody@{registrar.domain}", "--timeout", "10")
    assert json.loads(called.stdout)["status_code"] == 404  # an INVITE through the registrar
    assert audited.external() == {(registrar.host, "udp", registrar.port)}
    assert audited.python_external() == []


# what each switch adds, as the README's privacy table says: (method, Event or probe)
ADDS = {
    "": set(),
    "blf": {("SUBSCRIBE", "dialog")},
    "presence": {("SUBSCRIBE", "presence"), ("PUBLISH", "presence")},
    "mwi": {("SUBSCRIBE", "message-summary")},
    "smart_contacts": {("OPTIONS", "probe")},
    "sip_trace_log": set(),  # a local file only
    "usage_counters": set(),  # local tallies only
    "location": set(),  # a PIDF-LO only inside an emergency call's INVITE; no lookups
}


def _kind(entry: dict[str, Any]) -> tuple[str, str]:
    """A sent request as (method, its Event header, or "probe" for an OPTIONS to a user)."""
    text = entry["text"]
    method, uri = text.split(" ", 2)[:2]
    event = ""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() in ("event", "o"):
            event = value.strip().split(";")[0]
    if method == "OPTIONS":
        event = "probe" if "@" in uri else "ping"
    return method, event


def _until(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.2)  # polling a condition with a deadline, not a synchronisation sleep


@pytest.mark.parametrize("switch", list(ADDS))
def test_each_switch_adds_exactly_its_traffic(
    audited: Audited, registrar: Kamailio, tmp_path: Path, switch: str
) -> None:
    cards = write_vdir(tmp_path / "cards", {"carol.vcf": (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carol\r\nFN:Carol Probe\r\n"
        "TEL:+4930123456\r\nEND:VCARD\r\n")})
    config = _config(
        tmp_path, registrar, f"{switch} = true\n" if switch else "",
        f'[contacts]\nvdirs = ["{cards}"]\n[[quickdial]]\nlabel = "Bob"\n'
        f'uri = "sip:bob@{registrar.domain}"\nblf = true\npresence = true\n')
    daemon = audited.daemon(config)
    try:
        run = lambda *w: audited.run("--config", str(config), *w)  # noqa: E731
        waited = run("wait", "registered", "--timeout", "30")
        assert waited.returncode == 0, waited.stderr + procs.tail(tmp_path / "daemon.out")
        _until(lambda: "Carol" in run("contacts", "search", "carol").stdout)
        published = run("presence", "set", "available")
        assert published.returncode == (0 if switch == "presence" else 2), published.stderr

        def kinds() -> set[tuple[str, str]]:
            trace = [json.loads(line) for line in run("--json", "trace").stdout.splitlines()]
            return {_kind(e) for e in trace if e["direction"] == "tx"
                    and not e["text"].startswith("SIP/")}

        _until(lambda: ADDS[switch] <= kinds())
        assert run("--json", "ping", registrar.registrar_uri).returncode == 0
        added = kinds() - {("REGISTER", ""), ("OPTIONS", "ping")}
    finally:
        procs.stop(daemon)
    assert added == ADDS[switch]
    assert audited.external() == {(registrar.host, "udp", registrar.port)}
    assert audited.python_external() == []


class _Photos(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        _Photos.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: object) -> None:
        pass


def _serve(address: str, handler: type[http.server.BaseHTTPRequestHandler]
           ) -> Iterator[tuple[str, int]]:
    """An HTTP server with ``handler`` on ``address`` (a free port) until the test ends."""
    server = http.server.ThreadingHTTPServer((address, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield address, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def photo_server(netlab: NetLab, audited: Audited) -> Iterator[tuple[str, int]]:
    """An HTTP server on the root side of the link serving one PNG."""
    _Photos.hits = []
    yield from _serve(netlab.uplink(audited.host).root_v4, _Photos)


@pytest.mark.parametrize("fetch", [False, True])
def test_remote_photos_are_fetched_only_when_on(
    audited: Audited, registrar: Kamailio, photo_server: tuple[str, int], tmp_path: Path,
    fetch: bool
) -> None:
    host, port = photo_server
    cards = write_vdir(tmp_path / "cards", {"carol.vcf": (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carol\r\nFN:Carol Photo\r\n"
        f"PHOTO;VALUE=uri:http://{host}:{port}/carol.png\r\nTEL:+4930123456\r\nEND:VCARD\r\n")})
    config = _config(tmp_path, registrar, extra=(
        f'[contacts]\nvdirs = ["{cards}"]\nfetch_remote_photos = {str(fetch).lower()}\n'))
    daemon = audited.daemon(config)
    try:
        waited = audited.run("--config", str(config), "wait", "registered", "--timeout", "30")
        assert waited.returncode == 0, waited.stderr
        photo = _photo_of(audited, config, "carol")
    finally:
        procs.stop(daemon)
    assert photo is not None
    assert (photo.mime != "url") is fetch  # off: only the URL, for the user to open
    assert _Photos.hits == (["/carol.png"] if fetch else [])
    web = {(host, "tcp", port)}
    assert audited.external() == {(registrar.host, "udp", registrar.port)} | (
        web if fetch else set())
    # the daemon's Python fetch is seen by the audit hook too
    assert [c["host"] for c in audited.python_external()] == ([host] if fetch else [])


def _photo_of(audited: Audited, config: Path, name: str) -> ContactPhoto | None:
    """Ask the running daemon (over its control socket) for a contact's photo."""
    import asyncio

    from tuiphone.control import RemotePhone

    async def ask() -> ContactPhoto | None:
        phone = await RemotePhone.connect()
        try:
            found: list[Any] = []
            deadline = time.monotonic() + 20
            while not found and time.monotonic() < deadline:
                found = await phone.search_contacts(name)
                if not found:
                    await asyncio.sleep(0.2)  # the book loads in the background
            assert found, "the address book never loaded"
            return await phone.contact_photo(found[0].id)
        finally:
            await phone.close()

    return asyncio.run(ask())


class _Uploads(http.server.BaseHTTPRequestHandler):
    """A PUT/GET file server (what nginx's dav module does), recording each request."""

    files: dict[str, bytes] = {}
    hits: list[tuple[str, str]] = []

    def do_PUT(self) -> None:  # noqa: N802 - the standard library's name
        size = int(self.headers.get("Content-Length", "0"))
        _Uploads.files[self.path] = self.rfile.read(size)
        _Uploads.hits.append(("PUT", self.path))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        _Uploads.hits.append(("GET", self.path))
        data = _Uploads.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upload_server(netlab: NetLab, audited: Audited) -> Iterator[tuple[str, int]]:
    """A PUT/GET server on the root side of the link."""
    _Uploads.files, _Uploads.hits = {}, []
    yield from _serve(netlab.uplink(audited.host).root_v4, _Uploads)


@pytest.mark.parametrize("sharing", [False, True])
def test_file_sharing_contacts_the_upload_server_only_when_on(
    audited: Audited, registrar: Kamailio, upload_server: tuple[str, int], tmp_path: Path,
    sharing: bool
) -> None:
    """alice sends a file to herself: with the switch on, exactly the registrar (SIP) and
    the configured upload server (the PUT, then alice's own download of what arrived);
    with it off the command is refused and only the registrar was ever contacted."""
    host, port = upload_server
    config = _config(
        tmp_path, registrar, f"file_sharing = {str(sharing).lower()}\n",
        f'[accounts.files]\nkind = "put"\nserver = "http://{host}:{port}/up/"\n')
    secret = tmp_path / "note.txt"
    secret.write_text("quarterly figures\n")
    daemon = audited.daemon(config)
    try:
        run = lambda *w: audited.run("--config", str(config), *w)  # noqa: E731
        waited = run("wait", "registered", "--timeout", "30")
        assert waited.returncode == 0, waited.stderr + procs.tail(tmp_path / "daemon.out")
        sent = run("--json", "message", f"sip:alice@{registrar.domain}", "--file", str(secret),
                   "--wait", "sent", "--timeout", "30")
        if sharing:
            assert sent.returncode == 0, sent.stdout + sent.stderr
            _until(lambda: ("GET", next(iter(_Uploads.files), "")) in _Uploads.hits, 30)
        else:
            assert sent.returncode != 0
            assert "file_sharing" in sent.stderr, sent.stderr
        assert run("--json", "ping", registrar.registrar_uri).returncode == 0
    finally:
        procs.stop(daemon)
    assert [verb for verb, _ in _Uploads.hits] == (["PUT", "GET"] if sharing else [])
    if sharing:  # what the server holds is ciphertext, not the file
        (stored,) = _Uploads.files.values()
        assert b"quarterly" not in stored
    web = {(host, "tcp", port)}
    assert audited.external() == {(registrar.host, "udp", registrar.port)} | (
        web if sharing else set())
    # the daemon's own HTTP, seen by the audit hook: a lookup and a connect per request
    assert sorted((c["event"], c["host"]) for c in audited.python_external()) == (
        [("socket.connect", host)] * 2 + [("socket.getaddrinfo", host)] * 2
        if sharing else [])
