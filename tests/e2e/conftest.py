"""End-to-end tests: the installed ``tuiphone`` in a private tmux server, against the SIP lab."""

from tests.lab.fixtures import (  # noqa: F401 - fixtures are found by name
    baresip,
    baresip_factory,
    kamailio,
    kamailio_factory,
)
