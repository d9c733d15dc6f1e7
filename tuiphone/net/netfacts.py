"""The network we are on, read without root and without sending anything: the default
gateway (``/proc/net/route``), its MAC (the kernel's neighbour cache, ``/proc/net/arp``),
our addresses (``ip -j addr``) and the Wi-Fi SSID where the driver answers the
wireless-extensions ioctl (what ``iwgetid`` does). Location profiles match on these."""

from __future__ import annotations

import array
import contextlib
import fcntl
import ipaddress
import json
import socket
import struct
import subprocess
from pathlib import Path

from tuiphone.model.location import NetworkFacts

_PROC = Path("/proc/net")
_SYS_NET = Path("/sys/class/net")
_RTF_GATEWAY = 0x2
_ATF_COMPLETE = 0x2
_SIOCGIWESSID = 0x8B1B
_ESSID_MAX = 32


def network_facts() -> NetworkFacts:
    """What this host's routing table, neighbour cache and interfaces say now."""
    gateway, iface = default_gateway()
    return NetworkFacts(
        gateway=gateway,
        gateway_mac=neighbour_mac(gateway, iface) if gateway else "",
        addresses=local_networks(),
        ssids=ssids(),
    )


def default_gateway(route_file: Path = _PROC / "route") -> tuple[str, str]:
    """(gateway address, interface) of the IPv4 default route with the lowest metric."""
    best: tuple[int, str, str] | None = None
    with contextlib.suppress(OSError):
        for line in route_file.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) < 8 or fields[1] != "00000000" or fields[7] != "00000000":
                continue
            if not int(fields[3], 16) & _RTF_GATEWAY:
                continue
            address = socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
            metric = int(fields[6])
            if best is None or metric < best[0]:
                best = (metric, address, fields[0])
    return (best[1], best[2]) if best else ("", "")


def neighbour_mac(address: str, iface: str, arp_file: Path = _PROC / "arp") -> str:
    """The MAC address the kernel resolved ``address`` to ("" if not in the cache)."""
    with contextlib.suppress(OSError):
        for line in arp_file.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 6 and fields[0] == address and fields[5] == iface \
                    and int(fields[2], 16) & _ATF_COMPLETE:
                return fields[3].lower()
    return ""


def local_networks() -> tuple[str, ...]:
    """Our global addresses with their prefix ("198.18.5.2/24"), loopback left out."""
    try:
        out = subprocess.run(["ip", "-j", "addr"], capture_output=True, text=True,
                             timeout=5, check=True).stdout
        links = json.loads(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return ()
    found: list[str] = []
    for link in links:
        for info in link.get("addr_info", []):
            if info.get("scope") in ("host", "link") or "local" not in info:
                continue
            found.append(f"{info['local']}/{info.get('prefixlen', 32)}")
    return tuple(found)


def ssids() -> tuple[str, ...]:
    """The SSIDs of wireless interfaces that are associated (empty without Wi-Fi)."""
    names: list[str] = []
    with contextlib.suppress(OSError):
        for iface in sorted(p.name for p in _SYS_NET.iterdir()):
            if (_SYS_NET / iface / "wireless").exists():
                ssid = _essid(iface)
                if ssid:
                    names.append(ssid)
    return tuple(names)


def _essid(iface: str) -> str:
    buf = bytearray(_ESSID_MAX + 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        # struct iwreq: ifname[16], then iw_point {void *pointer; u16 length; u16 flags}
        arr = array.array("B", buf)
        pointer, _ = arr.buffer_info()
        req = struct.pack("16sPHH", iface.encode()[:15], pointer, len(buf), 0)
        try:
            answer = fcntl.ioctl(sock.fileno(), _SIOCGIWESSID, req)
        except OSError:
            return ""
        length = struct.unpack("16sPHH", answer)[2]
        return arr.tobytes()[:length].rstrip(b"\0").decode("utf-8", "replace")


def in_network(address: str, network: str) -> bool:
    """Whether ``address`` (maybe with a /prefix) lies in ``network``."""
    try:
        host = ipaddress.ip_interface(address).ip
        return host in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
