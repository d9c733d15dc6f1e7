"""Streaming commands against a daemon: ``events`` and ``trace --pcap``."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.conftest import ROOT, cli_env, tuiphone


def test_events_stream_snapshot_then_call_events(daemon):
    proc = subprocess.Popen([sys.executable, "-m", "tuiphone.cli.main", "events", "--json"],
                            env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["event"] == "snapshot"
        assert tuiphone("call", "echo").code == 0
        seen = []
        while not seen or seen[-1] != "ended":
            event = json.loads(proc.stdout.readline())
            if event["event"] == "call":
                seen.append(event["call"]["state"])
        assert seen[0] == "calling"
        assert "connected" in seen
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_trace_to_pcap(daemon, tmp_path):
    out = tmp_path / "sip.pcap"
    run = tuiphone("trace", "--pcap", str(out), "--json")
    assert run.code == 0, run.err
    assert out.read_bytes()[:4] == bytes.fromhex("0a0d0d0a")  # a pcapng section
    assert out.stat().st_mode & 0o777 == 0o600
    out.chmod(0o644)  # written again over a file others could read: no longer
    assert tuiphone("trace", "--pcap", str(out)).code == 0
    assert out.stat().st_mode & 0o777 == 0o600


def test_ping_with_count(daemon):
    run = tuiphone("ping", "sip:alice@example.com", "-c", "2", "-i", "0", "--json")
    assert run.code == 0, run.err
    assert run.json()["received"] == 2


def test_ping_refused_exits_4(daemon):
    assert tuiphone("ping", "sip:nobody@example.com").code == 4


def test_trace_rtp_needs_pcap_and_the_setting(daemon, tmp_path):
    alone = tuiphone("trace", "--rtp")
    assert alone.code == 2
    assert "--rtp goes with --pcap" in alone.err
    off = tuiphone("trace", "--pcap", str(tmp_path / "x.pcapng"), "--rtp")
    assert off.code == 2  # the daemon keeps no RTP headers: [engine] rtp_headers is 0
    assert "[engine] rtp_headers" in off.err
