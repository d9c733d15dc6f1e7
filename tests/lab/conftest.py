"""Lab fixtures (Kamailio, baresip, SIPp) for every test under tests/lab/."""

from tests.lab.fixtures import (  # noqa: F401 - fixtures are found by name
    baresip,
    baresip_factory,
    kamailio,
    kamailio_factory,
    kamailio_tls,
    sipp_factory,
)
