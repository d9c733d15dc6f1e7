"""Message-waiting (RFC 3842) for tests: a raw NOTIFY straight to a UA, or a PUBLISH
to the lab Kamailio (presence_mwi) that it fans out to subscribers."""

from __future__ import annotations

from tests.lab.sipwire import SipMessage, UdpSipClient, build_request

CONTENT_TYPE = "application/simple-message-summary"


def summary(account: str, new: int, old: int) -> str:
    """A simple-message-summary body for ``account`` (a SIP URI)."""
    waiting = "yes" if new else "no"
    return (
        f"Messages-Waiting: {waiting}\r\nMessage-Account: {account}\r\n"
        f"Voice-Message: {new}/{old} (0/0)\r\n"
    )


def notify_unsolicited(
    contact_host: str,
    contact_port: int,
    user: str,
    new: int,
    old: int = 0,
    domain: str = "127.0.0.1",
    timeout_s: float = 5.0,
) -> SipMessage:
    """Send an out-of-dialog MWI NOTIFY to a UA's contact and return its final response."""
    aor = f"sip:{user}@{domain}"
    with UdpSipClient() as client:
        req = build_request(
            "NOTIFY",
            f"sip:{user}@{contact_host}:{contact_port}",
            local_port=client.local_port,
            from_uri=f"sip:voicemail@{domain}",
            to_uri=aor,
            headers=[
                ("Event", "message-summary"),
                ("Subscription-State", "active"),
                ("Content-Type", CONTENT_TYPE),
            ],
            body=summary(aor, new, old),
        )
        return client.final_response(req, contact_host, contact_port, timeout_s)


def publish(
    host: str,
    port: int,
    user: str,
    new: int,
    old: int = 0,
    domain: str = "127.0.0.1",
    expires: int = 3600,
    timeout_s: float = 5.0,
) -> SipMessage:
    """PUBLISH ``user``'s mailbox state to Kamailio; its presence_mwi NOTIFYs watchers.

    Sent From ``voicemail`` (a guest in the lab config), so no digest is needed.
    """
    aor = f"sip:{user}@{domain}"
    with UdpSipClient() as client:
        req = build_request(
            "PUBLISH",
            aor,
            local_port=client.local_port,
            from_uri=f"sip:voicemail@{domain}",
            to_uri=aor,
            headers=[
                ("Event", "message-summary"),
                ("Expires", str(expires)),
                ("Content-Type", CONTENT_TYPE),
            ],
            body=summary(aor, new, old),
        )
        return client.final_response(req, host, port, timeout_s)
