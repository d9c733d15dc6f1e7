"""``trace --pcap FILE --rtp`` with a real daemon calling SIPp (a UAS that echoes RTP):
the RTP headers the engine tapped at pjmedia's transport reach the pcap next to the SIP
messages, and tshark decodes them as the RTP of that call, both ways."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.conftest import need_binary
from tests.lab import procs
from tuiphone.control import socket_path

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


def _env() -> dict[str, str]:
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
    return env


def _tuiphone(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                           *args], env=_env(), cwd=cli.ROOT, capture_output=True, text=True,
                          timeout=120)


def _daemon(tmp_path: Path, engine: str) -> Iterator[Path]:
    config = tmp_path / "config.toml"
    config.write_text(f"[engine]\necho_line = false\n{engine}")
    config.chmod(0o600)
    log = tmp_path / "daemon.log"
    proc = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                        "daemon"], log, cwd=cli.ROOT, env=_env())
    try:
        procs.wait_for(lambda: socket_path().is_socket(), proc, 30, "the control socket")
        yield config
    finally:
        procs.stop(proc)


@pytest.fixture
def tapped(tmp_path: Path) -> Iterator[Path]:
    yield from _daemon(tmp_path, "rtp_headers = 5000\n")


@pytest.fixture
def untapped(tmp_path: Path) -> Iterator[Path]:
    yield from _daemon(tmp_path, "")


def _rtp_rows(pcap: Path, home: Path) -> list[dict[str, str]]:
    fields = ("ip.src", "udp.srcport", "ip.dst", "udp.dstport", "rtp.ssrc", "rtp.seq",
              "rtp.p_type", "frame.len", "frame.cap_len")
    done = subprocess.run(
        [need_binary("tshark"), "-r", str(pcap), "-Y", "rtp", "-T", "fields",
         *[x for f in fields for x in ("-e", f)]],
        capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(home)})
    assert done.returncode == 0, done.stderr
    return [dict(zip(fields, line.split("\t"), strict=True))
            for line in done.stdout.splitlines()]


def _sip_methods(pcap: Path, home: Path) -> list[str]:
    done = subprocess.run(
        [need_binary("tshark"), "-r", str(pcap), "-Y", "sip", "-T", "fields", "-e",
         "sip.CSeq.method"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": str(home)})
    return done.stdout.split()


def test_rtp_headers_of_a_call_reach_the_pcap(tapped: Path, sipp_factory, tmp_path: Path):
    uas = sipp_factory.uas()  # answers PCMU and echoes every RTP packet back
    called = _tuiphone(tapped, "--json", "call", f"sip:service@{uas.address}:{uas.port}",
                       "--duration", "1.5")
    assert called.returncode == 0, called.stdout + called.stderr
    assert json.loads(called.stdout)["result"] == "answered"
    pcap = tmp_path / "call.pcapng"
    written = _tuiphone(tapped, "--json", "trace", "--pcap", str(pcap), "--rtp")
    assert written.returncode == 0, written.stderr
    summary = json.loads(written.stdout.splitlines()[-1])
    assert summary["rtp_packets"] > 50

    rows = _rtp_rows(pcap, tmp_path)
    assert len(rows) == summary["rtp_packets"]  # tshark decodes every one as RTP
    sent = [r for r in rows if r["udp.dstport"] == str(uas.media_port)]
    got = [r for r in rows if r["udp.srcport"] == str(uas.media_port)]
    assert len(sent) > 25
    assert len(got) > 25
    assert len(sent) + len(got) == len(rows)
    assert {r["ip.dst"] for r in sent} == {uas.address}
    assert {r["rtp.p_type"] for r in rows} == {"0"}  # PCMU, as SIPp's answer says
    # SIPp echoes our packets: what came back carries our stream's SSRC and numbers
    assert {r["rtp.ssrc"] for r in got} == {r["rtp.ssrc"] for r in sent}
    seqs = [int(r["rtp.seq"]) for r in sent]
    assert all((b - a) % 65536 == 1 for a, b in zip(seqs, seqs[1:], strict=False))
    assert {int(r["rtp.seq"]) for r in got} <= set(seqs)
    # only the header is kept: 20 ms of PCMU is 160 bytes the capture leaves out
    assert all(int(r["frame.len"]) == 20 + 8 + 12 + 160 for r in rows)
    assert all(int(r["frame.cap_len"]) == 20 + 8 + 12 for r in rows)
    assert {"INVITE", "ACK", "BYE"} <= set(_sip_methods(pcap, tmp_path))


def test_without_the_setting_nothing_is_tapped_and_rtp_is_refused(
    untapped: Path, sipp_factory, tmp_path: Path
):
    uas = sipp_factory.uas()
    called = _tuiphone(untapped, "--json", "call", f"sip:service@{uas.address}:{uas.port}",
                       "--duration", "0.5")
    assert called.returncode == 0, called.stderr
    refused = _tuiphone(untapped, "trace", "--pcap", str(tmp_path / "x.pcapng"), "--rtp")
    assert refused.returncode == 2
    assert "[engine] rtp_headers" in refused.stderr
    assert "Traceback" not in refused.stderr
