"""Name servers from resolv.conf: what pjsua's own resolver is given."""

from __future__ import annotations

from pathlib import Path

from tuiphone.net.resolvconf import system_nameservers


def test_reads_nameservers_in_order(tmp_path: Path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text(
        "# generated\nsearch lab.test\nnameserver 198.18.0.53\n"
        "nameserver 2001:db8::53 # v6\nnameserver 198.18.0.53\n"
        "nameserver not-an-address\noptions edns0\nnameserver 198.18.1.53\n"
        "nameserver 198.18.2.53\n"
    )
    assert system_nameservers(conf) == ("198.18.0.53", "2001:db8::53", "198.18.1.53")


def test_missing_file_gives_none(tmp_path: Path) -> None:
    assert system_nameservers(tmp_path / "absent") == ()
