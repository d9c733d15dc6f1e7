"""Relinker: which accounts register again after a connection drops, and how often."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field

import pjsua2 as pj

from tuiphone.model.account import AccountConfig
from tuiphone.sip.relink import MIN_GAP_S, Relinker, connected_ports, contact_port


@dataclass
class _Info:
    regIsActive: bool  # noqa: N815 - pjsua2's name


@dataclass
class _Acc:
    config: AccountConfig
    contact: str
    active: bool = True
    unregistering: bool = False
    sent: list[bool] = field(default_factory=list)

    def getInfo(self) -> _Info:  # noqa: N802
        return _Info(self.active)

    def setRegistration(self, on: bool) -> None:  # noqa: N802
        self.sent.append(on)


def _acc(name: str, contact: str, **kw: object) -> _Acc:
    cfg = AccountConfig(id=name, uri=f"sip:{name}@127.0.0.1", registrar="sip:127.0.0.1")
    return _Acc(cfg, contact, **kw)  # type: ignore[arg-type]


def _lost(kind: str = "TCP",
          state: int = pj.PJSIP_TP_STATE_DISCONNECTED) -> pj.OnTransportStateParam:
    prm = pj.OnTransportStateParam()
    prm.type, prm.state = kind, state
    return prm


def test_only_registered_stream_accounts_register_again_and_not_too_often() -> None:
    tcp = _acc("tcp", "sip:tcp@127.0.0.1:5000;transport=tcp")
    tls = _acc("tls", "sip:tls@127.0.0.1:5001;transport=TLS")
    udp = _acc("udp", "sip:udp@127.0.0.1:5002")
    idle = _acc("idle", "sip:idle@127.0.0.1:5003;transport=tcp", active=False)
    leaving = _acc("leaving", "sip:l@127.0.0.1:5004;transport=tcp", unregistering=True)
    now = [100.0]
    jobs: list[Callable[[], None]] = []
    alive: set[int] = {5001}  # tls's connection is still up at first
    relink = Relinker(lambda: [tcp, tls, udp, idle, leaving], jobs.append, lambda: now[0],
                      lambda: alive)

    def lose(prm: pj.OnTransportStateParam) -> None:
        relink.on_transport_state(prm)
        while jobs:
            jobs.pop(0)()

    lose(_lost("UDP"))
    lose(_lost("TCP", pj.PJSIP_TP_STATE_CONNECTED))
    assert tcp.sent == tls.sent == []
    lose(_lost("TCP"))  # un-REGISTER the dead connection's Contact first
    assert (tcp.sent, tls.sent, udp.sent, idle.sent, leaving.sent) == ([False], [], [], [], [])
    alive.clear()
    lose(_lost("TLS"))
    assert tls.sent == [False]
    assert relink.answered(tcp)  # its answer is swallowed; a fresh REGISTER follows
    assert not relink.answered(udp)
    jobs.pop(0)()
    assert tcp.sent == [False, True]
    assert not relink.answered(tcp)  # the REGISTER's own answer is everyone's news
    now[0] += MIN_GAP_S / 2
    lose(_lost("TLS"))  # a second reset right away: nothing more yet
    assert tcp.sent == [False, True]
    now[0] += MIN_GAP_S
    lose(_lost("TCP"))
    assert tcp.sent == [False, True, False]


def test_contact_ports_and_our_connections() -> None:
    assert contact_port("sip:a@127.0.0.1:5060;transport=tcp") == 5060
    assert contact_port("<sip:a@[2001:db8::1]:5061;transport=tls>") == 5061
    assert contact_port("sip:a@example.com;transport=tcp") is None
    server = socket.create_server(("127.0.0.1", 0))
    with server, socket.create_connection(server.getsockname()) as client:
        accepted, _ = server.accept()
        with accepted:
            ports = connected_ports()
            assert ports is not None
            assert client.getsockname()[1] in ports
