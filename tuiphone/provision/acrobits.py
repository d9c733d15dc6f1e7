"""Acrobits Account XML -> Translation, with a hardened parser (defusedxml).

Only the nodes of ``mapping.NODES`` act; every other node is kept (for
``%account[NODE]%`` placeholders) and listed as ignored. A node with a ``priority``
above the user's (40) is locked: the user's config.toml cannot override it.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from tuiphone.provision.globalxml import global_quickdial, is_global
from tuiphone.provision.mapping import HONOURED
from tuiphone.provision.translation import Translation, Unusable

USER_PRIORITY = 40
_HOSTPORT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")
# Codecs of the pjsua2 wheel, by RFC 3551 payload number and by the names backends send.
CODEC_NUMBERS = {"0": "PCMU", "3": "GSM", "8": "PCMA", "9": "G722"}
CODEC_NAMES = {"pcmu": "PCMU", "g711u": "PCMU", "pcma": "PCMA", "g711a": "PCMA",
               "g722": "G722", "gsm": "GSM", "speex": "speex", "ilbc": "iLBC"}
DTMF = {"rfc2833": "rfc4733", "info": "info", "audio": "inband"}
_ID = re.compile(r"[^A-Za-z0-9_.-]")


def parse_xml(body: bytes, where: str) -> Element:
    """The document root; Unusable for malformed XML, entities or a DTD."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as err:
        raise Unusable(f"{where}: refused: the XML declares a DTD or entities "
                       f"({type(err).__name__}); entity expansion is not allowed") from err
    except ParseError as err:
        raise Unusable(f"{where}: malformed XML: {err}") from err
    return root


def account_elements(root: Element, where: str) -> list[Element]:
    if root.tag == "account":
        return [root]
    if root.tag == "accounts":
        found = [e for e in root if e.tag == "account"]
        if found:
            return found
    raise Unusable(f"{where}: no <account> element (the root is <{root.tag}>)")


def translate(body: bytes, where: str, account_id: str | None) -> list[Translation]:
    """One Translation per ``<account>``; the first gets ``account_id`` if given. A
    global provisioning document gives one Translation without an account."""
    root = parse_xml(body, where)
    if is_global(root):
        return [global_quickdial(root, where)]  # the other Acrobits format
    out = []
    for index, element in enumerate(account_elements(root, where)):
        wanted = account_id if index == 0 else None
        out.append(_account(element, where, wanted, index))
    return out


def _id(element: Element, wanted: str | None, index: int) -> str:
    if wanted:
        return wanted
    raw = _ID.sub("-", element.get("id", "") or "").strip("-.")
    if raw:
        return raw
    return "provisioned" if index == 0 else f"provisioned-{index + 1}"


def _account(element: Element, where: str, wanted: str | None, index: int) -> Translation:
    nodes: dict[str, Element] = {}
    result = Translation(account={"id": _id(element, wanted, index)})
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in nodes:
            result.notes.append(f"<{child.tag}> appears twice: the last one counts")
        nodes[child.tag] = child
    for name, node in nodes.items():
        if len(node) == 0:
            text = (node.text or "").strip()
            if "pass" in name.lower():
                if text:
                    result.secrets[name] = text
            else:
                result.nodes[name] = text
        if name not in HONOURED:
            result.ignored.append(name)
        elif _priority(node) > USER_PRIORITY:
            result.locked_nodes.append(name)
    _identity(nodes, result, where)
    _media(nodes, result)
    _services(nodes, result)
    title = result.nodes.get("title")
    result.title = title or None
    return result


def _priority(node: Element) -> int:
    try:
        return int(node.get("priority", "20"))
    except ValueError:
        return 20


def _text(nodes: dict[str, Element], name: str) -> str | None:
    node = nodes.get(name)
    if node is None:
        return None
    text = (node.text or "").strip()
    return text or None


def _identity(nodes: dict[str, Element], result: Translation, where: str) -> None:
    acc = result.account
    user, host = _text(nodes, "username"), _text(nodes, "host")
    if not user or not host:
        missing = " and ".join(n for n, v in (("<username>", user), ("<host>", host)) if not v)
        raise Unusable(f"{where}: the account has no {missing}")
    if not _HOSTPORT.match(host):
        raise Unusable(f"{where}: <host> {host!r} is not host[:port]")
    transport = (_text(nodes, "transport") or "udp").lower()
    kinds = {"udp": ("udp", "sip"), "tcp": ("tcp", "sip"), "tls": ("tls", "sips"),
             "tls+sip:": ("tls", "sip")}
    if transport not in kinds:
        raise Unusable(f"{where}: <transport> {transport!r} is not udp, tcp, tls or tls+sip:")
    kind, scheme = kinds[transport]
    domain = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    acc["uri"] = f"{scheme}:{user}@{domain}"
    acc["registrar"] = f"{scheme}:{host}"
    acc["transport"] = kind
    proxy = _text(nodes, "proxy")
    if proxy:
        if not _HOSTPORT.match(proxy):
            raise Unusable(f"{where}: <proxy> {proxy!r} is not host[:port]")
        tail = "" if kind == "udp" else f";transport={kind}"
        acc["proxy"] = [f"{scheme}:{proxy};lr{tail}"]
    auth = _text(nodes, "authUsername")
    if auth:
        acc["username"] = auth
    if "password" in result.secrets:
        acc["password_store"] = True
    expires = _int(nodes, "expires", 30, 2**31 - 1, where)
    if expires is not None:
        acc["register_expires"] = expires
    port = _int(nodes, "listeningPort", 1, 65535, where)
    if port is not None:
        acc["local_port"] = port
    _lock_keys(result, {"username": ["uri"], "host": ["uri", "registrar"],
                        "transport": ["transport", "uri", "registrar"], "proxy": ["proxy"],
                        "authUsername": ["username"], "expires": ["register_expires"],
                        "listeningPort": ["local_port"]})


def _lock_keys(result: Translation, keys: dict[str, list[str]]) -> None:
    """Turn locked node names into locked config keys."""
    for node, config_keys in keys.items():
        if node in result.locked_nodes:
            result.locked += [k for k in config_keys if k not in result.locked]


def _int(nodes: dict[str, Element], name: str, low: int, high: int, where: str) -> int | None:
    text = _text(nodes, name)
    if text is None:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise Unusable(f"{where}: <{name}> {text!r} is not a number in {low}..{high}")
    return int(text)


def _flag(nodes: dict[str, Element], name: str) -> bool | None:
    text = _text(nodes, name)
    return None if text is None else text not in ("0", "false", "off", "")


def _media(nodes: dict[str, Element], result: Translation) -> None:
    acc = result.account
    order = _text(nodes, "codecOrder")
    if order:
        codecs: list[str] = []
        for item in (i.strip() for i in order.split(",") if i.strip()):
            codec = CODEC_NUMBERS.get(item) or CODEC_NAMES.get(item.lower())
            if codec is None:
                result.notes.append(f"codecOrder: {item!r} is not a codec of this build; "
                                    "skipped")
            elif codec not in codecs:
                codecs.append(codec)
        if codecs:
            acc["codecs"] = codecs
    dtmf = _text(nodes, "dtmfOrder")
    if dtmf:
        first = next((DTMF[m] for m in dtmf.lower().split(",") if m.strip() in DTMF), None)
        if first:
            acc["dtmf"] = first
    sdes = [(_text(nodes, n) or "").lower() for n in ("sdesIncoming", "sdesOutgoing")]
    if any(sdes):
        acc["srtp"] = ("mandatory" if "required" in sdes else
                       "optional" if "enabled" in sdes else "off")
    nat: dict[str, Any] = {}
    keep, period = _flag(nodes, "keepAlive"), _text(nodes, "keepAlivePeriod")
    if keep is False:
        nat["keepalive"] = 0
    elif period and period.isdigit():
        nat["keepalive"] = min(int(period), 3600)
    traversal = _text(nodes, "natTraversal")
    if traversal:
        nat["ice"] = traversal.lower() == "ice"
    if nat:
        acc["nat"] = nat
    _lock_keys(result, {"codecOrder": ["codecs"], "dtmfOrder": ["dtmf"],
                        "sdesIncoming": ["srtp"], "sdesOutgoing": ["srtp"],
                        "keepAlive": ["nat.keepalive"], "keepAlivePeriod": ["nat.keepalive"],
                        "natTraversal": ["nat.ice"]})


def _services(nodes: dict[str, Element], result: Translation) -> None:
    acc = result.account
    features: dict[str, bool] = {}
    voicemail = _text(nodes, "voiceMailNumber")
    if voicemail:
        acc["voicemail"] = voicemail
    mwi = _flag(nodes, "subscribeForVoicemail")
    if mwi is not None:
        features["mwi"] = mwi
    answer = _flag(nodes, "autoAnswerEnabled")
    if answer is not None:
        acc["auto_answer"] = answer
    presence = _text(nodes, "presenceMethod")
    if presence is not None:
        features["presence"] = presence.lower() != "off"
    blf = nodes.get("blf")
    if blf is not None:
        uris = [(u.text or "").strip() for u in blf if u.tag == "uri" and (u.text or "").strip()]
        features["blf"] = bool(uris)
        result.quickdial = [{"label": u.split(":", 1)[-1].split("@")[0], "uri": u, "blf": True}
                            for u in uris]
    if features:
        acc["features"] = features
    result.reprovision_url = _text(nodes, "extProvUrl")
    interval = _text(nodes, "extProvInterval")
    if interval and interval.isdigit() and int(interval) > 0:
        result.interval_s = int(interval)
    _lock_keys(result, {"voiceMailNumber": ["voicemail"],
                        "subscribeForVoicemail": ["features.mwi"],
                        "autoAnswerEnabled": ["auto_answer"],
                        "presenceMethod": ["features.presence"], "blf": ["features.blf"]})
