"""Hand-made digest authentication (RFC 2617, MD5, qop=auth) for raw SIP requests."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence

from tests.lab.sipwire import SipMessage, UdpSipClient, build_request, new_tag

_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]+))')


def parse_challenge(value: str) -> dict[str, str]:
    """The parameters of a ``Digest ...`` WWW-/Proxy-Authenticate header value."""
    return {m[1].lower(): m[2] if m[2] is not None else m[3] for m in _PARAM.finditer(value)}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def authorization(
    challenge: dict[str, str], method: str, uri: str, user: str, password: str
) -> str:
    """The ``Digest ...`` credentials answering ``challenge`` for one request."""
    realm, nonce = challenge["realm"], challenge["nonce"]
    ha1 = _md5(f"{user}:{realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"']
    if "auth" in challenge.get("qop", "").split(","):
        cnonce, nc = secrets.token_hex(8), "00000001"
        response = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        fields += [f'response="{response}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        fields.append(f'response="{_md5(f"{ha1}:{nonce}:{ha2}")}"')
    fields.append("algorithm=MD5")
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    return "Digest " + ", ".join(fields)


def send_with_auth(
    client: UdpSipClient,
    host: str,
    port: int,
    method: str,
    uri: str,
    *,
    from_uri: str,
    to_uri: str | None = None,
    credentials: tuple[str, str] | None = None,
    headers: Sequence[tuple[str, str]] = (),
    body: str = "",
    timeout_s: float = 5.0,
) -> SipMessage:
    """Send a request; if challenged and ``credentials`` (user, password) are given,
    answer the challenge once. Returns the final response (a wrong password yields
    the server's second 401/407, never a loop)."""
    base = dict(
        local_port=client.local_port,
        local_host=client.local_host,
        from_uri=from_uri,
        to_uri=to_uri,
        call_id=secrets.token_hex(10),
        from_tag=new_tag(),
        body=body,
    )
    req = build_request(method, uri, cseq=1, headers=headers, **base)  # type: ignore[arg-type]
    resp = client.final_response(req, host, port, timeout_s)
    if resp.code not in (401, 407) or credentials is None:
        return resp
    asked, answer = (
        ("www-authenticate", "Authorization")
        if resp.code == 401
        else ("proxy-authenticate", "Proxy-Authorization")
    )
    cred = authorization(parse_challenge(resp.header(asked)), method, uri, *credentials)
    extra = [*headers, (answer, cred)]
    req = build_request(method, uri, cseq=2, headers=extra, **base)  # type: ignore[arg-type]
    return client.final_response(req, host, port, timeout_s)


def register(
    host: str,
    port: int,
    user: str,
    password: str | None,
    *,
    expires: int = 60,
    domain: str | None = None,
    timeout_s: float = 5.0,
    client: UdpSipClient | None = None,
) -> SipMessage:
    """REGISTER ``user`` with its Contact at the client's UDP port (see ``send_with_auth``)."""
    own = client is None
    client = client or UdpSipClient()
    try:
        aor = f"sip:{user}@{domain or host}"
        headers = [
            ("Contact", f"<sip:{user}@127.0.0.1:{client.local_port}>"),
            ("Expires", str(expires)),
        ]
        creds = (user, password) if password is not None else None
        return send_with_auth(
            client,
            host,
            port,
            "REGISTER",
            f"sip:{domain or host}:{port}",
            from_uri=aor,
            to_uri=aor,
            credentials=creds,
            headers=headers,
            timeout_s=timeout_s,
        )
    finally:
        if own:
            client.close()
