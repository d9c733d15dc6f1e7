"""Parse an RFC 4235 ``application/dialog-info+xml`` body into DialogInfo values.

Unlike pjsua-lib (first ``<dialog>`` only, no target parameters) this keeps every
dialog and reads ``+sip.rendering`` for hold. Bodies come from the network: parsed with
defusedxml. Pure functions, any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from tuiphone.model.lamp import DialogInfo, LampDirection

NS = "{urn:ietf:params:xml:ns:dialog-info}"


@dataclass(frozen=True, slots=True)
class DialogInfoDoc:
    """One dialog-info document. ``state`` is "full" or "partial"."""

    state: str
    version: int
    entity: str
    dialogs: tuple[DialogInfo, ...]


EMPTY = DialogInfoDoc("full", -1, "", ())  # a NOTIFY without a body: nothing going on


def parse(body: bytes) -> DialogInfoDoc:
    """Parse ``body``; an empty body is EMPTY. Raises ValueError if it is not dialog-info."""
    if not body.strip():
        return EMPTY
    try:
        root = ElementTree.fromstring(body)
    except Exception as err:  # ParseError and defusedxml's refusals alike
        raise ValueError(f"bad dialog-info body: {err}") from err
    if root.tag != f"{NS}dialog-info":
        raise ValueError(f"not a dialog-info document: {root.tag}")
    return DialogInfoDoc(
        state=root.get("state", "full").strip().lower(),
        version=_int(root.get("version", "-1")),
        entity=root.get("entity", ""),
        dialogs=tuple(_dialog(d) for d in root.iter(f"{NS}dialog")),
    )


def _dialog(node: Element) -> DialogInfo:
    direction = node.get("direction", "").strip().lower()
    return DialogInfo(
        id=node.get("id", ""),
        call_id=node.get("call-id", ""),
        state=(node.findtext(f"{NS}state") or "").strip().lower(),
        direction=LampDirection(direction)
        if direction in ("initiator", "recipient")
        else LampDirection.NONE,
        remote_identity=_party(node, "remote"),
        local_tag=node.get("local-tag", ""),
        remote_tag=node.get("remote-tag", ""),
        on_hold=_not_rendering(node),
    )


def _party(node: Element, side: str) -> str:
    """The identity of ``side`` ("remote"/"local"), else its target URI."""
    party = node.find(f"{NS}{side}")
    if party is None:
        return ""
    identity = (party.findtext(f"{NS}identity") or "").strip()
    target = party.find(f"{NS}target")
    return identity or ("" if target is None else target.get("uri", ""))


def _not_rendering(node: Element) -> bool:
    for param in node.iter(f"{NS}param"):
        name = param.get("pname", "").strip().lower()
        if name == "+sip.rendering" and param.get("pvalue", "").strip('" ').lower() == "no":
            return True
    return False


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1
