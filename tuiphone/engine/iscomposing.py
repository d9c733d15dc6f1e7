"""Is-composing (RFC 3994, ``application/im-iscomposing+xml``) as it arrives inside
CPIM (Linphone wraps it so); pjsua reads the plain form itself. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.engine.imdn import ImdnError, safe_xml

CONTENT_TYPE = "application/im-iscomposing+xml"
DEFAULT_REFRESH_S = 120  # RFC 3994 §4: an active state without <refresh> lasts this long
REFRESH_S = 60  # how often we repeat "active" while the user keeps typing
IDLE_S = 15  # typing pause after which we say "idle"


class ComposingError(ValueError):
    """Not a usable is-composing document."""


@dataclass(frozen=True, slots=True)
class Composing:
    active: bool
    refresh_s: int  # 0 when none was given


def parse(text: str) -> Composing:
    try:
        root = safe_xml(text)
    except ImdnError as err:
        raise ComposingError(str(err)) from None
    if root.tag.rsplit("}", 1)[-1] != "isComposing":
        raise ComposingError("root element is not <isComposing>")
    state = refresh = ""
    for child in root:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "state":
            state = (child.text or "").strip().lower()
        elif name == "refresh":
            refresh = (child.text or "").strip()
    if state not in ("active", "idle"):
        raise ComposingError(f"is-composing state {state!r} is neither active nor idle")
    seconds = int(refresh) if refresh.isdigit() and len(refresh) < 7 else 0
    return Composing(state == "active", seconds)
