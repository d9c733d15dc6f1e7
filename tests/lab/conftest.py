"""Lab fixtures (Kamailio, baresip, SIPp, a real-engine Phone, the netns lab) for tests
under tests/lab/."""

from tests.lab.engine_harness import phone_factory  # noqa: F401 - fixture
from tests.lab.fixtures import (  # noqa: F401 - fixtures are found by name
    baresip,
    baresip_factory,
    kamailio,
    kamailio_factory,
    kamailio_tls,
    nginx_factory,
    sipp_factory,
)
from tests.lab.net.fixtures import (  # noqa: F401 - fixtures
    coturn_factory,
    dnsmasq_factory,
    netlab,
    netlab_ready,
    rtpengine_factory,
)
