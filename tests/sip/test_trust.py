"""Choosing the CA bundle for TLS accounts (pure: no pjsua2, no network)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from tuiphone.model.errors import UsageError
from tuiphone.sip import trust


def paths(cafile: str | None, openssl_cafile: str) -> ssl.DefaultVerifyPaths:
    return ssl.DefaultVerifyPaths(
        cafile, None, "SSL_CERT_FILE", openssl_cafile, "SSL_CERT_DIR", "/nonexistent"
    )


def test_python_default_first_then_openssl_then_distributions() -> None:
    found = trust.candidates(paths("/a/cafile.pem", "/b/openssl.pem"))
    assert found[:2] == ["/a/cafile.pem", "/b/openssl.pem"]
    assert found[2:] == list(trust.DISTRO_BUNDLES)


def test_candidates_skip_missing_and_repeated_paths() -> None:
    debian = trust.DISTRO_BUNDLES[0]
    found = trust.candidates(paths(None, debian))
    assert found == list(trust.DISTRO_BUNDLES)


def test_every_usual_distribution_bundle_is_a_fallback() -> None:
    assert set(trust.DISTRO_BUNDLES) == {
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    }


def test_first_existing_file_wins(tmp_path: Path) -> None:
    second, third = tmp_path / "second.pem", tmp_path / "third.pem"
    second.write_text("x")
    third.write_text("x")
    order = [str(tmp_path / "missing.pem"), str(tmp_path), str(second), str(third)]
    assert trust.system_ca_file(order) == str(second)


def test_no_bundle_anywhere_is_none(tmp_path: Path) -> None:
    assert trust.system_ca_file([str(tmp_path / "nope.pem")]) is None
    assert trust.system_ca_file([]) is None


def test_ssl_cert_file_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "corporate.pem"
    bundle.write_text("x")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert trust.system_ca_file() == str(bundle)
    assert trust.ca_file_for(None) == str(bundle)


def test_configured_ca_file_replaces_the_system_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "system.pem"
    bundle.write_text("x")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert trust.ca_file_for("/srv/pbx-ca.pem") == "/srv/pbx-ca.pem"


def test_this_machine_has_a_system_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    found = trust.system_ca_file()
    assert found is not None
    assert Path(found).read_text().count("BEGIN CERTIFICATE") > 10


def test_ca_file_must_hold_a_pem_certificate(tmp_path: Path) -> None:
    good = tmp_path / "ca.pem"
    good.write_text(f"{trust.PEM_CERT}\nMIIB\n-----END CERTIFICATE-----\n")
    trust.check_ca_file("work", str(good))
    with pytest.raises(UsageError, match=r"^work: ca_file .*nope.pem: No such file or directory$"):
        trust.check_ca_file("work", str(tmp_path / "nope.pem"))
    with pytest.raises(UsageError, match=r"Is a directory$"):
        trust.check_ca_file("work", str(tmp_path))
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"\xff\xfe not a certificate")
    with pytest.raises(UsageError, match=r"junk.pem: no PEM certificate in it$"):
        trust.check_ca_file("work", str(junk))
