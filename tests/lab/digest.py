"""Hand-made digest authentication (RFC 2617, MD5, qop=auth) for raw SIP requests."""

from __future__ import annotations

import hashlib
import re
import secrets

from tests.lab.sipwire import SipResponse, UdpSipClient, build_request, new_tag

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
) -> SipResponse:
    """REGISTER ``user`` with Contact at the client's UDP port; answer one challenge.

    Returns the final response after at most one authenticated retry (so a wrong
    password yields the server's second 401/403, not a loop).
    """
    own = client is None
    client = client or UdpSipClient()
    try:
        aor = f"sip:{user}@{domain or host}"
        reg_uri = f"sip:{domain or host}:{port}"
        base = dict(
            local_port=client.local_port,
            from_uri=aor,
            to_uri=aor,
            call_id=secrets.token_hex(10),
            from_tag=new_tag(),
        )
        extra = [
            ("Contact", f"<sip:{user}@127.0.0.1:{client.local_port}>"),
            ("Expires", str(expires)),
        ]
        req = build_request("REGISTER", reg_uri, cseq=1, headers=extra, **base)  # type: ignore[arg-type]
        resp = client.final_response(req, host, port, timeout_s)
        if resp.code not in (401, 407) or password is None:
            return resp
        header = "www-authenticate" if resp.code == 401 else "proxy-authenticate"
        answer = "Authorization" if resp.code == 401 else "Proxy-Authorization"
        cred = authorization(parse_challenge(resp.header(header)), "REGISTER", reg_uri, user, password)
        req = build_request("REGISTER", reg_uri, cseq=2, headers=[*extra, (answer, cred)], **base)  # type: ignore[arg-type]
        return client.final_response(req, host, port, timeout_s)
    finally:
        if own:
            client.close()
