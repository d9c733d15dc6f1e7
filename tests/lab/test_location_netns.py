"""Location matching on a real network: ``tuiphone location show --json`` run inside a
network namespace whose default gateway (198.18.x.1) has a known MAC address.

Topology: namespace ``gw`` holds the gateway end of a veth (MAC 02:00:5e:00:53:01,
198.18.x.1/24); namespace ``client`` holds the other end (198.18.x.2/24) with a default
route via the gateway and the gateway's MAC in its neighbour table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lab.net import names
from tests.lab.net.links import add_netns, veth

pytestmark = [pytest.mark.lab]

GW_MAC = "02:00:5e:00:53:01"
REPO = Path(__file__).parents[2]


@dataclass(frozen=True, slots=True)
class Lan:
    client: str  # the namespace tuiphone runs in
    subnet: names.Subnet


@pytest.fixture
def lan(netlab_ready: list[str]) -> Iterator[Lan]:
    subnet = names.claim_subnet()
    gw_ns, client_ns = f"{names.new_name()}-g", f"{names.new_name()}-c"
    gw_dev, client_dev = names.new_name(), names.new_name()
    made: list[str] = []
    try:
        for ns in (gw_ns, client_ns):
            add_netns(ns)
            made.append(ns)
        veth(gw_dev, gw_ns, client_dev, client_ns)
        names.ip("-n", gw_ns, "link", "set", gw_dev, "address", GW_MAC)
        names.ip("-n", gw_ns, "addr", "add", f"{subnet.v4(1)}/24", "dev", gw_dev)
        names.ip("-n", client_ns, "addr", "add", f"{subnet.v4(2)}/24", "dev", client_dev)
        names.ip("-n", client_ns, "route", "add", "default", "via", subnet.v4(1))
        # a fixed neighbour entry: what ARP would have learnt, without a race on it
        names.ip("-n", client_ns, "neigh", "replace", subnet.v4(1), "lladdr", GW_MAC,
                 "dev", client_dev, "nud", "permanent")
        # no name server out there: pjsua's start would wait ~20 s on DNS for our host name
        resolver = Path("/etc/netns") / client_ns / "resolv.conf"
        resolver.parent.mkdir(parents=True, exist_ok=True)
        resolver.write_text("nameserver 127.0.0.1\n")
        yield Lan(client_ns, subnet)
    finally:
        shutil.rmtree(Path("/etc/netns") / client_ns, ignore_errors=True)
        for ns in reversed(made):
            for pid in names.ip("netns", "pids", ns, check=False).split():
                subprocess.run(["kill", "-9", pid], check=False)
            names.ip("netns", "del", ns, check=False)
        subnet.release()


def location_show(lan: Lan, tmp_path: Path, config: str) -> dict[str, object]:
    cfg = tmp_path / "config.toml"
    cfg.write_text(config)
    cfg.chmod(0o600)
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    (tmp_path / "run").mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run(
        ["ip", "netns", "exec", lan.client, sys.executable, "-m", "tuiphone.cli.main",
         "--config", str(cfg), "location", "show", "--json"],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def config(lan: Lan, *profiles: str) -> str:
    return "\n".join([
        "[engine]\necho_line = false\n",
        f'[[accounts]]\nid = "alice"\nuri = "sip:alice@{lan.subnet.v4(2)}"\n'
        "[accounts.features]\nlocation = true\n",
        *profiles,
    ])


def profile(name: str, match: str) -> str:
    return (f'[[locations]]\nname = "{name}"\ncountry = "DE"\nA3 = "Berlin"\nRD = "{name}"\n'
            f"[locations.match]\n{match}\n")


def test_gateway_mac_then_subnet_pick_the_profile(lan: Lan, tmp_path: Path) -> None:
    other_site = profile("other-site", 'gateway_mac = "02:00:5e:00:53:99"')
    by_subnet = profile("by-subnet", f'subnet = "{lan.subnet.v4(0)}/24"')
    by_mac = profile("by-mac", f'gateway_mac = "{GW_MAC.upper()}"')

    shown = location_show(lan, tmp_path, config(lan, other_site, by_subnet, by_mac))
    assert shown["profile"]["name"] == "by-mac"  # type: ignore[index]
    assert shown["rule"] == "gateway_mac"
    facts = shown["facts"]
    assert facts["gateway"] == lan.subnet.v4(1)
    assert facts["gateway_mac"] == GW_MAC
    assert facts["addresses"] == [f"{lan.subnet.v4(2)}/24"]  # type: ignore[index]
    assert GW_MAC in str(shown["detail"])

    shown = location_show(lan, tmp_path, config(lan, other_site, by_subnet))
    assert shown["profile"]["name"] == "by-subnet"  # type: ignore[index]
    assert shown["rule"] == "subnet"
    assert lan.subnet.v4(2) in str(shown["detail"])

    shown = location_show(lan, tmp_path, config(lan, other_site))
    assert shown["profile"] is None
    assert shown["rule"] == "none"
