"""Self-tests of the netns lab: topologies, far-side servers, loss, NAT, teardown."""

from __future__ import annotations

import socket

import pytest

from tests.lab.sipwire import options_ping

pytestmark = pytest.mark.lab


def test_root_reaches_far_and_far_sees_the_root_side_address(netlab):
    far = netlab.far()
    root_v4 = netlab.uplink(far).root_v4
    with far.socket() as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        server.bind((far.v4, 0))
        server.settimeout(5)
        client.sendto(b"ping", server.getsockname())
        data, source = server.recvfrom(100)
    assert data == b"ping"
    assert source[0] == root_v4


def test_far_kamailio_answers_options_v4(netlab, kamailio_factory):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4)
    assert options_ping(kam.host, kam.port).code == 200


def test_far_kamailio_answers_options_v6_only(netlab, kamailio_factory):
    far = netlab.far(v4=False, v6=True)
    kam = kamailio_factory(host=far, address=far.v6)
    assert options_ping(kam.host, kam.port).code == 200
