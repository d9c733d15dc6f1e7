import pytest
from tests.lab.daemon_proc import account_config, tuiphone
from tests.lab.fixtures import baresip_factory, kamailio, kamailio_factory  # noqa

pytestmark = [pytest.mark.lab]

def test_probe(kamailio, baresip_factory, tmp_path):
    baresip_factory(kamailio.port, "carol")
    config = account_config(tmp_path / "config.toml", kamailio)
    run = tuiphone(config, "call", kamailio.aor("carol"), "--duration", "0", "--json", *__import__("os").environ.get("XARGS","").split())
    print("RC", run.code, run.err)
    for line in kamailio.log_text().splitlines():
        if "LAB-REQ" in line or "LAB-CHALLENGE" in line:
            print(line[line.find("LAB-"):][:90])
