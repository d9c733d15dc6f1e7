"""A minimal Kamailio for BLF tests: registrar, proxy and RFC 4235 dialog-event server.

No auth. One UDP socket on 127.0.0.1:<free port>. SUBSCRIBEs for user ``forbidden`` get
403. Lab gotchas (lab-facts Q1) handled here: db_text copied fresh per start (pua writes
rows back at shutdown that break the next start), ``force_single_dialog=1`` (pjsua keeps
one dialog per buddy), pua's PUBLISHes go back to this very Kamailio.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DBTEXT = Path("/usr/share/kamailio/dbtext/kamailio")
MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"

CONFIG = """#!KAMAILIO
debug=1
log_stderror=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:{port}
alias="127.0.0.1:{port}"
mpath="{modules}"
loadmodule "kex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "db_text.so"
loadmodule "dialog.so"
loadmodule "presence.so"
loadmodule "presence_dialoginfo.so"
loadmodule "pua.so"
loadmodule "pua_dialoginfo.so"
modparam("usrloc", "db_mode", 0)
modparam("presence", "db_url", "text://{db}")
modparam("presence", "subs_db_mode", 0)
modparam("presence", "publ_cache", 2)
modparam("presence", "server_address", "sip:127.0.0.1:{port}")
modparam("presence_dialoginfo", "force_single_dialog", {single})
modparam("pua", "db_url", "text://{db}")
modparam("pua", "db_mode", 0)
modparam("pua", "outbound_proxy", "sip:127.0.0.1:{port}")
modparam("pua_dialoginfo", "include_callid", 1)
modparam("pua_dialoginfo", "include_tags", 1)

request_route {{
    if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
    if (has_totag()) {{
        if (loose_route()) {{ t_relay(); exit; }}
        if (is_method("SUBSCRIBE")) {{ handle_subscribe(); exit; }}
        if (is_method("ACK")) {{ if (t_check_trans()) t_relay(); exit; }}
        sl_send_reply("404", "Not here");
        exit;
    }}
    if (is_method("CANCEL")) {{ if (t_check_trans()) t_relay(); exit; }}
    # pua sends its PUBLISHes here (outbound_proxy): no auth to bypass in this fixture.
    if (is_method("PUBLISH")) {{ handle_publish(); exit; }}
    if (is_method("SUBSCRIBE")) {{
        if ($rU == "forbidden") {{ sl_send_reply("403", "Forbidden"); exit; }}
        handle_subscribe();
        exit;
    }}
    if (is_method("REGISTER")) {{ save("location", "0x04"); exit; }}
    if (is_method("INVITE")) {{ dlg_manage(); record_route(); }}
    if (!lookup("location")) {{ sl_send_reply("404", "Not Found"); exit; }}
    t_relay();
}}
"""


@dataclass(frozen=True, slots=True)
class Kamailio:
    port: int
    pid: int
    log: Path

    def uri(self, user: str) -> str:
        return f"sip:{user}@127.0.0.1:{self.port}"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int, timeout_s: float, proc: subprocess.Popen[bytes]) -> bool:
    """True once Kamailio answers an OPTIONS; each try waits on recv, not on a sleep."""
    deadline = time.monotonic() + timeout_s
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(0.2)
        me = s.getsockname()[1]
        while time.monotonic() < deadline and proc.poll() is None:
            s.sendto(_options(port, me), ("127.0.0.1", port))
            with contextlib.suppress(TimeoutError, ConnectionRefusedError):
                if s.recv(4096).startswith(b"SIP/2.0"):
                    return True
    return False


def _options(port: int, me: int) -> bytes:
    return (
        f"OPTIONS sip:ping@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK{time.monotonic_ns()}\r\n"
        f"From: <sip:probe@127.0.0.1:{me}>;tag=p\r\nTo: <sip:ping@127.0.0.1:{port}>\r\n"
        f"Call-ID: probe-{time.monotonic_ns()}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 5\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()


@contextlib.contextmanager
def running_kamailio(
    binary: str, workdir: Path, *, single_dialog: bool = True
) -> Iterator[Kamailio]:
    """Start Kamailio in ``workdir`` and stop it by PID (its process group) afterwards.

    ``single_dialog=False`` lets NOTIFYs carry every dialog of the presentity.
    """
    db = workdir / "db"
    shutil.copytree(DBTEXT, db)
    port = free_udp_port()
    cfg = workdir / "kamailio.cfg"
    cfg.write_text(CONFIG.format(port=port, modules=MODULES, db=db, single=int(single_dialog)))
    log = workdir / "kamailio.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [binary, "-f", str(cfg), "-DD", "-E", "-w", str(workdir), "-Y", str(workdir),
             "-m", "32", "-M", "4"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        if not _answers(port, 15, proc):
            raise RuntimeError(f"kamailio did not answer on {port}:\n{log.read_text()[-3000:]}")
        yield Kamailio(port, proc.pid, log)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
