"""The refusal text: the provider's <message>, a short plain text, or a generic line."""

from __future__ import annotations

import pytest

from tuiphone.provision.fetch import Response, refusal_message


@pytest.mark.parametrize(("body", "kind", "text"), [
    (b"<error><message>Invalid username or password</message></error>", "application/xml",
     "Invalid username or password"),
    (b"<html><body><div><message> Your  account\n has expired </message></div></body></html>",
     "text/html", "Your account has expired"),
    (b"Your account has expired, call us.", "text/plain; charset=utf-8",
     "Your account has expired, call us."),
    (b"<html>oops</html>", "text/html", "provisioning failed (HTTP 403)"),
    (b'<!DOCTYPE x [<!ENTITY a "b">]><message>&a;</message>', "application/xml",
     "provisioning failed (HTTP 403)"),  # entities refused here too
    (b"", "", "provisioning failed (HTTP 403)"),
])
def test_refusal_text(body, kind, text):
    assert refusal_message(Response(403, body, kind)) == text
