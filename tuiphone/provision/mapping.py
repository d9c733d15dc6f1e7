"""THE mapping from Acrobits Account XML nodes to tuiphone config keys.

One table: the Account XML translator honours exactly these nodes (every other node
is kept and listed as ignored), ``provision --dry-run`` and ``provision status`` name
them, and the README's "honoured nodes" table is generated from it (a test compares).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Node:
    """``node`` in the XML sets ``key`` (an ``[[accounts]]`` key, dotted for sub-tables;
    ``provisioning:`` keys steer re-provisioning, ``secret store`` ones are passwords)."""

    node: str
    key: str
    meaning: str


NODES: tuple[Node, ...] = (
    Node("username", "uri", "SIP user: the user part of `sip:USER@host`"),
    Node("host", "uri, registrar", "SIP domain and registrar, `host[:port]`"),
    Node("transport", "transport", "`udp`, `tcp`, `tls` (a `sips:` URI) or `tls+sip:` "
                                   "(TLS with a `sip:` URI)"),
    Node("proxy", "proxy", "outbound proxy `host[:port]` (loose routing)"),
    Node("authUsername", "username", "user name for digest authentication"),
    Node("password", "password_store (secret store)", "SIP password; kept encrypted, "
                                                      "never in a TOML file"),
    Node("expires", "register_expires", "REGISTER expiry in seconds"),
    Node("listeningPort", "local_port", "local SIP port"),
    Node("codecOrder", "codecs", "codec preference: RFC 3551 payload numbers (0, 3, 8, 9, "
                                 "18) or names"),
    Node("dtmfOrder", "dtmf", "the first of `rfc2833`, `info`, `audio`"),
    Node("sdesIncoming", "srtp", "with `sdesOutgoing`: any `required` gives `mandatory`, "
                                 "any `enabled` `optional`, else `off`"),
    Node("sdesOutgoing", "srtp", "see `sdesIncoming`"),
    Node("keepAlive", "nat.keepalive", "`0` turns NAT keep-alives off"),
    Node("keepAlivePeriod", "nat.keepalive", "keep-alive interval in seconds"),
    Node("natTraversal", "nat.ice", "`ice` turns ICE on"),
    Node("voiceMailNumber", "voicemail", "number dialled for voicemail"),
    Node("subscribeForVoicemail", "features.mwi", "subscribe to message waiting"),
    Node("autoAnswerEnabled", "auto_answer", "answer incoming calls automatically"),
    Node("presenceMethod", "features.presence", "anything but `off` turns presence on "
                                                "(needs your consent)"),
    Node("blf", "features.blf, [[quickdial]]", "`<blf><uri>…</uri></blf>`: one QuickDial "
                                               "entry with a lamp per URI (needs your consent)"),
    Node("extProvUrl", "provisioning: re-provisioning URL", "template for re-provisioning"),
    Node("extProvInterval", "provisioning: interval", "seconds between re-provisionings"),
    Node("cloud_username", "provisioning: %account[cloud_username]%", "kept for placeholders"),
    Node("cloud_password", "provisioning: %account[cloud_password]% (secret store)",
         "kept encrypted for placeholders"),
)

HONOURED = frozenset(n.node for n in NODES)
BY_NODE = {n.node: n for n in NODES}


def readme_table() -> str:
    """The README's table of honoured nodes, in table order."""
    lines = ["| Account XML node | tuiphone config key | What it does |", "|---|---|---|"]
    lines += [f"| `{n.node}` | {n.key} | {n.meaning} |" for n in NODES]
    return "\n".join(lines) + "\n"
