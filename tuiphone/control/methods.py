"""The PhoneApi methods a control client may call, and how their replies are typed."""

from __future__ import annotations

import inspect
from typing import Any

from tuiphone.engine.api import PhoneApi, PhoneState
from tuiphone.model.account import AccountState
from tuiphone.model.backend import PingResult
from tuiphone.model.call import CallInfo, CallStats, HistoryEntry
from tuiphone.model.errors import UsageError
from tuiphone.model.lamp import Lamp
from tuiphone.model.message import Message
from tuiphone.model.trace import TraceEntry

# method name -> type of its result (None: returns nothing worth decoding)
RESULT_TYPES: dict[str, Any] = {
    "state": PhoneState,
    "register": AccountState,
    "unregister": AccountState,
    "call": CallInfo,
    "answer": CallInfo,
    "reject": None,
    "hangup": None,
    "hangup_all": int,
    "redirect": None,
    "hold": None,
    "resume": None,
    "mute": None,
    "dtmf": None,
    "transfer": None,
    "transfer_attended": None,
    "conference": None,
    "play": None,
    "record": None,
    "call_stats": CallStats,
    "send_message": Message,
    "messages": list[Message],
    "history": list[HistoryEntry],
    "ping": PingResult,
    "trace": list[TraceEntry],
    "lookup_contact": dict[str, Any] | None,
    "search_contacts": list[dict[str, Any]],
    "contact": dict[str, Any],
    "contact_photo": dict[str, str] | None,
    "contact_books": list[dict[str, Any]],
    "save_contact": dict[str, Any],
    "create_contact": dict[str, Any],
    "delete_contact": None,
    "reload_contacts": int,
    "sync_contacts": list[dict[str, Any]],
    "lamps": list[Lamp],
    "set_presence": None,
    "pickup": CallInfo,
    "smart_contacts": dict[str, bool],
}


async def invoke(phone: PhoneApi, name: str, args: dict[str, Any]) -> object:
    """Call ``phone.<name>(**args)``. Raises UsageError for an unknown method or arguments."""
    if name not in RESULT_TYPES:
        raise UsageError(f"unknown command {name!r}")
    if name == "state":
        return phone.state()
    if name == "conference" and "call_ids" in args:
        args = {**args, "call_ids": tuple(args["call_ids"])}
    method = getattr(phone, name)
    try:
        inspect.signature(method).bind(**args)
    except TypeError as err:
        raise UsageError(f"{name}: {err}") from None
    return await method(**args)
