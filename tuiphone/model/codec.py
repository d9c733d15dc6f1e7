"""JSON for tuiphone's value types, both ways.

``to_jsonable`` turns dataclasses, enums, tuples and paths into plain JSON data;
``from_jsonable`` rebuilds a typed value from it using the dataclass type hints.
Events carry their ``kind`` as ``"event"`` so a JSON line says what it is.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tuiphone.model import events as ev

EVENT_TYPES: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (
        ev.RegistrationChanged,
        ev.CallChanged,
        ev.IncomingCall,
        ev.DtmfReceived,
        ev.MessageReceived,
        ev.MessageStatus,
        ev.MwiChanged,
        ev.TransferStatus,
        ev.SipTrace,
        ev.Notice,
        ev.LampChanged,
        ev.SmartContactChanged,
        ev.ContactsChanged,
        ev.NetworkChanged,
        ev.MediaProblem,
    )
}


def to_jsonable(obj: object) -> Any:
    """Plain JSON data (dict, list, str, int, float, bool, None) for ``obj``."""
    if isinstance(obj, enum.Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)


def dumps(obj: object, indent: int | None = None) -> str:
    """One JSON document for ``obj``, through ``to_jsonable``."""
    return json.dumps(to_jsonable(obj), indent=indent, ensure_ascii=False)


def event_to_jsonable(event: ev.Event) -> dict[str, Any]:
    """``{"event": kind, ...fields}``."""
    data: dict[str, Any] = {"event": event.kind}
    data.update(to_jsonable(event))
    return data


def event_from_jsonable(data: Mapping[str, Any]) -> ev.Event:
    """The inverse of ``event_to_jsonable``. Raises ValueError for an unknown kind."""
    cls = EVENT_TYPES.get(str(data.get("event")))
    if cls is None:
        raise ValueError(f"unknown event {data.get('event')!r}")
    fields = {k: v for k, v in data.items() if k != "event"}
    return typing.cast(ev.Event, from_jsonable(cls, fields))


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def from_jsonable(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from JSON data. Unknown dataclass keys are ignored,
    so an older client can read a newer engine's replies."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _from_union(typing.get_args(tp), data)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v) for v in data)
        return tuple(from_jsonable(t, v) for t, v in zip(args, data, strict=False))
    if origin is list:
        return [from_jsonable(typing.get_args(tp)[0], v) for v in data]
    if origin in (dict, Mapping):
        return dict(data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _from_dataclass(tp, data)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if tp is float and isinstance(data, int):
        return float(data)
    return data


def _from_union(options: tuple[Any, ...], data: Any) -> Any:
    if data is None and type(None) in options:
        return None
    real = [t for t in options if t is not type(None)]
    return from_jsonable(real[0], data) if len(real) == 1 else data


def _from_dataclass(cls: type[Any], data: Mapping[str, Any]) -> Any:
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    kwargs = {k: from_jsonable(hints[k], v) for k, v in data.items() if k in names}
    return cls(**kwargs)
