"""``tuiphone provision`` against real services: nginx serving a static file, and an
HTTPS provisioning service on a far host (its own network namespace, 198.18.x, a lab
CA) that checks the filled placeholders. Every failure leaves the config files
byte-for-byte as they were, prints one line, and the provisioning password is found
in no file tuiphone wrote and in no output."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import urllib.parse
from pathlib import Path

import pytest

from tests.lab.fixtures import baresip, baresip_factory, kamailio, kamailio_factory  # noqa: F401
from tests.lab.kamailio import USERS
from tests.lab.net.fixtures import netlab, netlab_ready  # noqa: F401
from tests.lab.provfix import nginx, provservice  # noqa: F401

pytestmark = [pytest.mark.lab]
ROOT = Path(__file__).resolve().parents[2]
PROV_PW = "pr0v-S3cret&x"  # the provisioning password: must never be written anywhere
PASSPHRASE = "store-passphrase"


def account_xml(kam, password=None, extra=""):
    return (f'<?xml version="1.0"?>\n<account id="lab">\n<title>Lab</title>\n'
            f"<username>alice</username>\n<password>{password or USERS['alice']}</password>\n"
            f"<host>{kam.host}:{kam.port}</host>\n<transport>udp</transport>\n"
            f"<expires>120</expires>\n<codecOrder>0,8</codecOrder>\n{extra}</account>\n")


class Cli:
    """Runs ``tuiphone`` with an isolated XDG tree under ``home`` and config.toml."""

    def __init__(self, home: Path, config_text: str) -> None:
        self.home = home
        self.config = home / "config" / "tuiphone" / "config.toml"
        self.config.parent.mkdir(parents=True)
        self.config.write_text(config_text)
        self.config.chmod(0o600)
        self.env = dict(os.environ, PYTHONPATH=str(ROOT), TUIPHONE_PASSPHRASE=PASSPHRASE,
                        PROV_PW=PROV_PW, TUIPHONE_CONFIG=str(self.config),
                        XDG_CONFIG_HOME=str(home / "config"),
                        XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
                        XDG_CACHE_HOME=str(home / "cache"))
        self.env.pop("TUIPHONE_BACKEND", None)
        self.outputs: list[str] = []

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *args],
                              capture_output=True, text=True, env=self.env, cwd=self.home,
                              timeout=timeout, check=False)
        self.outputs += [done.stdout, done.stderr]
        return done

    def config_files(self) -> dict[str, str]:
        """Every file under the config folder, by path, with a digest of its bytes."""
        folder = self.config.parent
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    def files_holding(self, secret: str) -> list[str]:
        needle = secret.encode()
        return [str(p) for p in self.home.rglob("*") if p.is_file() and needle in p.read_bytes()]


def lab_config(extra: str = "") -> str:
    return f"[engine]\necho_line = false\n[log]\nlevel = \"debug\"\n{extra}"


def prov_config(service, extra="") -> str:
    return lab_config(f'[provisioning]\nca_file = "{service.ca}"\ntimeout = 2\n{extra}')


def acro_url(service):
    return (f"{service.base}/acro?cloud_username=%username%&cloud_password=%password%"
            "&cloud_id=%fullcode%")


def test_nginx_static_account_xml_becomes_a_layer(nginx, kamailio, tmp_path):  # noqa: F811
    (nginx.www / "alice.xml").write_text(account_xml(kamailio))
    cli = Cli(tmp_path / "home", lab_config())
    done = cli("provision", f"{nginx.base}/alice.xml", "--json")
    assert done.returncode == 0, done.stderr
    layer = cli.config.parent / "provisioned" / "lab.toml"
    assert layer.stat().st_mode & 0o777 == 0o600
    assert f'registrar = "sip:{kamailio.host}:{kamailio.port}"' in layer.read_text()
    shown = cli("config", "show", "--origin")
    assert f"accounts[0].uri = \"sip:alice@{kamailio.host}\"    # provisioned " in shown.stdout
    assert "accounts[0].realm = \"*\"    # default" in shown.stdout
    assert "GET /alice.xml" in nginx.log.read_text()


def test_nginx_global_quick_dial(nginx, kamailio, tmp_path):  # noqa: F811
    (nginx.www / "alice.xml").write_text(account_xml(
        kamailio, extra=f"<blf><uri>{kamailio.aor('bob')}</uri></blf>\n"))
    (nginx.www / "global.xml").write_text(
        "<root><quickDial><item id='1'><displayName>Bob at the desk</displayName>"
        f"<uri>{kamailio.aor('bob')}</uri></item><item id='2'><displayName>Reception"
        "</displayName><uri>100</uri></item></quickDial></root>")
    cli = Cli(tmp_path / "home", lab_config())
    assert cli("provision", f"{nginx.base}/alice.xml").returncode == 0
    done = cli("provision", f"{nginx.base}/global.xml")
    assert done.returncode == 0, done.stderr
    assert (cli.config.parent / "provisioned" / "_global.toml").exists()
    shown = cli("config", "show").stdout
    assert 'quickdial[0].label = "Bob at the desk"' in shown
    assert "quickdial[0].blf = true" in shown  # the account's <blf> names bob
    assert 'quickdial[1].label = "Reception"' in shown


def test_https_service_gets_the_filled_placeholders(provservice, kamailio, tmp_path):  # noqa: F811
    provservice.answer("account.xml", account_xml(kamailio))
    provservice.expect(cloud_username="al ice@corp", cloud_password=PROV_PW, cloud_id="DEMO")
    cli = Cli(tmp_path / "home", prov_config(provservice, f'url = "{acro_url(provservice)}"\n'))
    done = cli("provision", "al%20ice%40corp@DEMO", "--password-env", "PROV_PW", "--json")
    assert done.returncode == 0, done.stderr
    (request,) = provservice.requests()
    assert request["query"] == {"cloud_username": "al ice@corp", "cloud_password": PROV_PW,
                                "cloud_id": "DEMO"}
    assert "al%20ice%40corp" in request["raw_query"]  # URL-encoded on the wire
    assert request["headers"]["User-Agent"].startswith("tuiphone/")
    assert "[redacted]" in done.stdout
    assert PROV_PW not in done.stdout
    status = cli("provision", "status", "--json")
    assert '"last_success"' in status.stdout
    assert PROV_PW not in status.stdout
    assert cli.files_holding(PROV_PW) == []
    assert cli.files_holding(USERS["alice"]) == []  # the SIP password: store only
    applog = (cli.home / "state" / "tuiphone" / "tuiphone.log").read_text()
    assert "provisioning request: GET https://" in applog
    assert "[redacted]" in applog
    assert "<password>[redacted]</password>" in applog  # the response, scrubbed
    stored = cli("secrets", "list", "--json").stdout
    assert '"provision:lab"' in stored
    assert '"name": "lab"' in stored
    gone = cli("provision", "forget", "--account", "lab", "--json")
    assert gone.returncode == 0, gone.stderr
    assert not (cli.config.parent / "provisioned" / "lab.toml").exists()
    assert "provision:lab" not in cli("secrets", "list", "--json").stdout
    assert cli("provision", "status").stdout == "no provisioned account\n"
    assert "accounts[0].id = \"lab\"" not in cli("config", "show").stdout


def test_a_password_written_into_the_url_is_kept_only_in_the_store(provservice, kamailio,  # noqa: F811
                                                                   tmp_path):
    provservice.answer("account.xml", account_xml(kamailio))
    provservice.expect(cloud_username="alice", cloud_password=PROV_PW, cloud_id="X")
    encoded = urllib.parse.quote(PROV_PW, safe="")
    url = f"{provservice.base}/acro?cloud_username=alice&cloud_password={encoded}&cloud_id=X"
    cli = Cli(tmp_path / "home", prov_config(provservice))
    done = cli("provision", url, "--account", "lab")
    assert done.returncode == 0, done.stderr
    again = cli("provision", "refresh", "--account", "lab", "--json")
    assert again.returncode == 0, again.stderr
    assert len(provservice.requests()) == 2
    assert cli.files_holding(PROV_PW) == []
    assert cli.files_holding(encoded) == []
    assert not any(encoded in text or PROV_PW in text for text in cli.outputs)


def test_post_with_a_body_template(provservice, kamailio, tmp_path):  # noqa: F811
    provservice.answer("account.xml", account_xml(kamailio))
    provservice.expect(cloud_username="carol", cloud_password=PROV_PW, cloud_id="DEMO")
    body = "cloud_id=%fullcode%&cloud_username=%username%&cloud_password=%password%"
    cli = Cli(tmp_path / "home", prov_config(provservice, f'url = "{provservice.base}/acro"\n'
                                                          f'post_data = "{body}"\n'))
    done = cli("provision", "carol@DEMO", "--password-env", "PROV_PW", "--json")
    assert done.returncode == 0, done.stderr
    (request,) = provservice.requests()
    assert request["raw_query"] == ""
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert "cloud_password=pr0v-S3cret%26x" in request["body"]  # URL-encoded in the body
    assert cli.files_holding(PROV_PW) == []


def test_open_hands_a_csc_link_to_provision(provservice, kamailio, tmp_path):  # noqa: F811
    provservice.answer("account.xml", account_xml(kamailio))
    provservice.expect(cloud_username="bob@corp", cloud_password="pw:1", cloud_id="DEMO*")
    cli = Cli(tmp_path / "home", prov_config(provservice, f'url = "{acro_url(provservice)}"\n'))
    done = cli("open", "csc:bob%40corp:pw%3A1@DEMO*")
    assert done.returncode == 0, done.stderr
    assert (cli.config.parent / "provisioned" / "lab.toml").exists()
    refused = cli("open", "https://elsewhere.test/")
    assert refused.returncode == 2
    assert "opens csc:, sip:, sips: and tel: links only" in refused.stderr


FAILURES = [
    ("/forbidden", 4, "provisioning refused by the server (HTTP 403): "
                      "Invalid username or password"),
    ("/error", 4, "provisioning failed (HTTP 500)"),
    ("/stall", 5, "no answer within 2 s"),
    ("/malformed", 2, "malformed XML"),
    ("/bomb", 2, "entity expansion is not allowed"),
    ("/huge", 2, "over the 1048576 byte limit"),
    ("/nothing-here", 4, "HTTP 404"),
]


@pytest.mark.parametrize(("path", "code", "words"), FAILURES)
def test_failures_change_nothing_and_say_one_line(provservice, kamailio, tmp_path,  # noqa: F811
                                                  path, code, words):
    provservice.answer("account.xml", account_xml(kamailio))
    cli = Cli(tmp_path / "home", prov_config(provservice))
    assert cli("provision", f"{provservice.base}/acro", "--json").returncode == 0
    before = cli.config_files()
    done = cli("provision", f"{provservice.base}{path}?p=%password%", "--password-env",
               "PROV_PW", "--account", "lab")
    assert done.returncode == code, done.stderr
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert cli.config_files() == before
    assert cli.files_holding(PROV_PW) == []


def test_an_untrusted_certificate_is_a_network_error(provservice, kamailio, tmp_path):  # noqa: F811
    provservice.answer("account.xml", account_xml(kamailio))
    cli = Cli(tmp_path / "home", lab_config("[provisioning]\ntimeout = 2\n"))
    done = cli("provision", f"{provservice.base}/acro")
    assert done.returncode == 5
    assert "TLS certificate not trusted" in done.stderr
    assert not (cli.config.parent / "provisioned").exists()


def test_refresh_is_conditional_and_304_changes_nothing(provservice, kamailio, tmp_path):  # noqa: F811
    provservice.answer("account.xml", account_xml(kamailio))
    cli = Cli(tmp_path / "home", prov_config(provservice))
    assert cli("provision", f"{provservice.base}/etag", "--json").returncode == 0
    before = cli.config_files()
    done = cli("provision", "refresh", "--account", "lab", "--json")
    assert done.returncode == 0, done.stderr
    assert '"not_modified": true' in done.stdout
    assert provservice.requests()[-1]["headers"]["If-None-Match"].startswith('"')
    assert cli.config_files() == before


def test_provision_then_register_then_call_baresip(provservice, kamailio, baresip,  # noqa: F811
                                                   tmp_path):
    provservice.answer("account.xml", account_xml(kamailio))
    provservice.expect(cloud_username="alice", cloud_password=PROV_PW, cloud_id="")
    cli = Cli(tmp_path / "home", prov_config(provservice))
    done = cli("provision", acro_url(provservice), "--username", "alice",
               "--password-env", "PROV_PW")
    assert done.returncode == 0, done.stderr
    reg = cli("register", "--timeout", "10", "--json")
    assert reg.returncode == 0, reg.stderr
    call = cli("call", kamailio.aor("carol"), "--timeout", "15", "--json")
    assert call.returncode == 0, call.stderr
    assert '"answered"' in call.stdout or '"connected"' in call.stdout
    bundle = tmp_path / "bundle.tar.gz"
    assert cli("debug-bundle", "--out", str(bundle)).returncode == 0
    with tarfile.open(bundle) as tar:
        texts = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    log = next(text for name, text in texts.items() if name.endswith("tuiphone.log"))
    assert b"provisioning request: GET https://" in log
    named = {name.split("/", 1)[-1]: text for name, text in texts.items()}
    assert b'"last_success"' in named["provisioning.json"]
    assert b'id = "lab"' in named["provisioned/lab.toml"]
    assert not any(PROV_PW.encode() in text or USERS["alice"].encode() in text
                   for text in texts.values())
    assert cli.files_holding(PROV_PW) == []
    assert not any(PROV_PW in text for text in cli.outputs)


def test_a_changed_password_is_used_after_reprovisioning(provservice, kamailio_factory,  # noqa: F811
                                                          tmp_path):
    kam = kamailio_factory()
    provservice.answer("account.xml", account_xml(kam))
    cli = Cli(tmp_path / "home", prov_config(provservice))
    assert cli("provision", f"{provservice.base}/etag").returncode == 0
    assert cli("register", "--timeout", "10").returncode == 0
    # The provider changes alice's password (bob's is what Kamailio knows for her now).
    provservice.answer("account.xml", account_xml(kam, password=USERS["bob"]).replace(
        "<username>alice</username>", "<username>bob</username>"))
    done = cli("provision", "refresh", "--account", "lab")
    assert done.returncode == 0, done.stderr
    assert "uri: 'sip:alice@" in done.stdout
    assert "-> 'sip:bob@" in done.stdout
    reg = cli("register", "--timeout", "10", "--json")
    assert reg.returncode == 0, reg.stderr
    assert kam.count_requests("REGISTER", "bob") >= 1


BLF_TOML = """[[accounts]]
id = "lab"
uri = "sip:alice@{host}"
registrar = "sip:{host}:{port}"
username = "alice"
password = "{password}"
[accounts.features]
blf = true
[[quickdial]]
label = "bob"
uri = "sip:bob@{host}"
blf = true
"""


def test_blf_waits_for_consent(provservice, kamailio, tmp_path):  # noqa: F811
    provservice.answer("account.toml", BLF_TOML.format(host=kamailio.host, port=kamailio.port,
                                                       password=USERS["alice"]))
    cli = Cli(tmp_path / "home", prov_config(provservice))
    done = cli("provision", f"{provservice.base}/toml")
    assert done.returncode == 0, done.stderr
    assert "waiting for your consent: BLF lamps" in done.stdout
    status = cli("provision", "status")
    assert "pending: BLF lamps" in status.stdout
    bob = kamailio.aor("bob")
    waited = cli("wait", "lamp", bob, "idle", "--timeout", "3")
    assert waited.returncode == 3, waited.stderr
    assert kamailio.count_requests("SUBSCRIBE") == 0
    accepted = cli("provision", "accept", "--json")
    assert accepted.returncode == 0, accepted.stderr
    waited = cli("wait", "lamp", bob, "idle", "--timeout", "15")
    assert waited.returncode == 0, waited.stderr
    assert kamailio.count_requests("SUBSCRIBE") >= 1
    export = cli("data", "export", "--json")
    assert '"decision": "accepted"' in export.stdout
    assert '"features.blf"' in export.stdout
    assert cli("data", "erase", "--yes").returncode == 0
    assert '"provisioning_consents": []' in cli("data", "export", "--json").stdout
    # Re-provisioning the same values asks nothing again: accepted stays on.
    again = cli("provision", f"{provservice.base}/toml", "--account", "lab")
    assert again.returncode == 0
    assert "waiting for your consent" not in again.stdout


def test_the_daemon_reprovisions_at_start_and_reregisters(provservice, kamailio_factory,  # noqa: F811
                                                           tmp_path):
    from tests.lab import procs

    kam = kamailio_factory()
    provservice.answer("account.xml", account_xml(kam))
    cli = Cli(tmp_path / "home", prov_config(provservice))
    assert cli("provision", f"{provservice.base}/etag").returncode == 0
    # The provider moves the account to bob (new user and password) before the next start.
    provservice.answer("account.xml", account_xml(kam, password=USERS["bob"]).replace(
        "<username>alice</username>", "<username>bob</username>"))
    cli.env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
    (tmp_path / "run").mkdir(mode=0o700)
    log = tmp_path / "daemon.log"
    daemon = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "daemon"], log,
                         env=cli.env, cwd=tmp_path)
    try:
        procs.wait_for(lambda: kam.count_requests("REGISTER", "bob") > 0, daemon, 30,
                       "a REGISTER from bob")
        waited = cli("wait", "registered", "--timeout", "15", "--json")
        assert waited.returncode == 0, waited.stderr
        accounts = cli("accounts", "--json")
        assert f"sip:bob@{kam.host}" in accounts.stdout
    finally:
        procs.stop(daemon)
    status = cli("provision", "status", "--json")
    assert '"last_error": null' in status.stdout
    assert cli.files_holding(PROV_PW) == []


GEO_TOML = """[[accounts]]
id = "lab"
uri = "sip:alice@{host}"
registrar = "sip:{host}:{port}"
username = "alice"
password = "{password}"
location_url = "https://lis.example.com/alice"
[accounts.features]
location_in_register = true
"""


def test_location_in_register_waits_for_consent(provservice, kamailio, tmp_path):  # noqa: F811
    """Tuiphone's own format turns on location in REGISTER (Account XML has no such node):
    before `provision accept` Kamailio sees no Geolocation header, after it, it does."""
    provservice.answer("account.toml", GEO_TOML.format(host=kamailio.host, port=kamailio.port,
                                                       password=USERS["alice"]))
    cli = Cli(tmp_path / "home", prov_config(provservice))
    done = cli("provision", f"{provservice.base}/toml")
    assert done.returncode == 0, done.stderr
    assert "waiting for your consent" in done.stdout
    reg = cli("register", "--timeout", "10")
    assert reg.returncode == 0, reg.stderr
    assert kamailio.count_requests("REGISTER", "alice") >= 1
    assert kamailio.geolocations() == []
    accepted = cli("provision", "accept", "--json")
    assert accepted.returncode == 0, accepted.stderr
    reg = cli("register", "--timeout", "10")
    assert reg.returncode == 0, reg.stderr
    assert "<https://lis.example.com/alice>" in kamailio.geolocations()
