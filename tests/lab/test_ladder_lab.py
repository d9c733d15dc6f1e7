"""trace --ladder: the ladder tshark's capture gives for a call through Kamailio is the
one our own trace gives for the same call."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.conftest import need_binary
from tests.lab.daemon_proc import account_config, start_daemon, stop, tuiphone
from tests.lab.fixtures import baresip_factory, kamailio, kamailio_factory  # noqa: F401

pytestmark = [pytest.mark.lab]


def start_capture(path: Path, port: int) -> subprocess.Popen[str]:
    """dumpcap on lo, SIP to and from Kamailio only; returns once it captures."""
    proc = subprocess.Popen([need_binary("dumpcap"), "-i", "lo", "-f", f"port {port}",
                             "-w", str(path)], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # ends at EOF if dumpcap dies
        if line.startswith("Capturing on"):
            return proc
    proc.wait(timeout=10)
    pytest.fail(f"dumpcap did not start (exit {proc.returncode})")


def rungs(data: dict) -> list[tuple[str, str, str, str]]:
    return [(r["direction"], r["label"], r["peer"], r["transport"]) for r in data["rungs"]]


def by_direction(rows: list[tuple[str, str, str, str]]) -> dict[str, list[tuple[str, ...]]]:
    """The rungs we sent and the ones we received, each list in its own order."""
    return {way: [r for r in rows if r[0] == way] for way in ("tx", "rx")}


def test_tshark_capture_gives_our_ladder(kamailio, baresip_factory, tmp_path):  # noqa: F811
    baresip_factory(kamailio.port, "carol")
    config = account_config(tmp_path / "config.toml", kamailio)
    daemon = start_daemon(config)
    capture = tmp_path / "call.pcapng"
    dumpcap = start_capture(capture, kamailio.port)
    try:
        run = tuiphone(config, "call", kamailio.aor("carol"), "--duration", "1", "--json")
        assert run.code == 0, run.err
        sip_call_id = run.json()["sip_call_id"]
        assert sip_call_id
        ours = tuiphone(config, "trace", "--ladder", f"--call={sip_call_id}", "--json")
        assert ours.code == 0, ours.err
        ours_pcap = tmp_path / "ours.pcapng"
        saved = tuiphone(config, "trace", "--pcap", str(ours_pcap))
        assert saved.code == 0, saved.err
    finally:
        dumpcap.terminate()
        dumpcap.wait(timeout=20)
        stop(daemon)
    # tshark reads what dumpcap wrote: a real capture, not one of ours
    listed = subprocess.run([need_binary("tshark"), "-r", str(capture), "-Y", "sip"],
                            capture_output=True, text=True, timeout=60)
    assert "INVITE" in listed.stdout, listed.stderr
    theirs = tuiphone(config, "trace", "--ladder", "--from-pcap", str(capture),
                      f"--call={sip_call_id}", "--json")
    assert theirs.code == 0, theirs.err
    mine = rungs(ours.json())
    assert [r[1] for r in mine][:1] == ["INVITE"]
    assert "200 OK" in [r[1] for r in mine]
    assert "BYE" in [r[1] for r in mine]
    # The capture orders by when packets crossed lo, our trace by when pjsip handled them:
    # a 180 that arrives while we are sending the ACK for the 200 (it lost a race in
    # Kamailio's workers) is before the ACK in one and after it in the other (seen once
    # in a CI run). Each direction keeps its order in both.
    assert by_direction(rungs(theirs.json())) == by_direction(mine)
    text = tuiphone(config, "trace", "--ladder", "--from-pcap", str(capture),
                    f"--call={sip_call_id}", "--format", "markdown")
    assert text.code == 0, text.err
    assert "Proxy-Authorization: [redacted]" in text.out
    assert 'response="' not in text.out
    # the pcap of our own trace reads back to the same ladder
    back = tuiphone(config, "trace", "--ladder", "--from-pcap", str(ours_pcap),
                    f"--call={sip_call_id}", "--json")  # a Call-ID may start with '-'
    assert back.code == 0, back.err
    assert rungs(back.json()) == mine
    missing = tuiphone(config, "trace", "--ladder", "--from-pcap", str(tmp_path / "none"))
    assert missing.code == 2
    assert "Traceback" not in missing.err
    assert "none" in missing.err
