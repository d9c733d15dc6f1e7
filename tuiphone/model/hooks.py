"""Event hooks (``[[hooks]]``): which event runs which program, and what it is told."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_AT_ONCE = 4


class HookEvent(enum.Enum):
    INCOMING = "incoming"  # a call rings (a rule's screened calls never do)
    MISSED = "missed"  # an incoming call that rang ended unanswered
    MESSAGE = "message"  # a chat message arrived
    REGISTRATION_LOST = "registration_lost"  # a registered account is no longer
    REGISTRATION_OK = "registration_ok"  # an account is registered (again)
    CALL_ENDED = "call_ended"  # any call ended, either direction
    LAMP = "lamp"  # a BLF/presence lamp changed state


_CALL = ("call_id", "account", "direction", "peer", "peer_name", "caller", "caller_name")
_ENDED = (*_CALL, "code", "reason", "duration_s")
_REG = ("account", "uri", "state", "code", "reason")

# The fields each event carries: its JSON on stdin, TUIPHONE_<FIELD> in the environment,
# and {field} in run = [...]. "event" is in every one.
FIELDS: Mapping[HookEvent, tuple[str, ...]] = {
    HookEvent.INCOMING: _CALL,
    HookEvent.MISSED: _ENDED,
    HookEvent.CALL_ENDED: _ENDED,
    HookEvent.MESSAGE: ("account", "message_id", "peer", "text", "content_type"),
    HookEvent.REGISTRATION_OK: _REG,
    HookEvent.REGISTRATION_LOST: _REG,
    HookEvent.LAMP: ("uri", "state", "remote"),
}

PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Hook:
    """``run`` is an argv (never a shell); ``{field}`` in an element becomes the value."""

    on: HookEvent
    run: tuple[str, ...]
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def name(self) -> str:
        return f"{self.on.value}: {self.run[0]}"


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def fill(argv: tuple[str, ...], values: Mapping[str, str]) -> list[str]:
    """Each element with its ``{field}`` replaced; a value never splits into words and
    an unknown name stays as it is (the config check refuses those)."""
    return [PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), a) for a in argv]
