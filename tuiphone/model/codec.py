"""JSON for tuiphone's value types, both ways.

``to_jsonable`` turns dataclasses, enums, tuples and paths into plain JSON data;
``from_jsonable`` rebuilds a typed value from it using the dataclass type hints.
Bytes travel as base64 strings.
Events carry their ``kind`` as ``"event"`` so a JSON line says what it is. A field
marked ``SPARSE`` (``tuiphone.model.value``) is left out while it holds its default.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tuiphone.model import events as ev
from tuiphone.model.value import SPARSE_KEY

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
        ev.RequestRefused,
        ev.RequestFilter,
        ev.DndChanged,
        ev.CallStatsChanged,
    )
}


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_jsonable(obj: object) -> Any:
    """Plain JSON data (dict, list, str, int, float, bool, None) for ``obj``."""
    kind = type(obj)
    if kind in _PLAIN:  # the exact types only: an IntEnum or a str subclass goes on below
        return obj
    if kind is tuple or kind is list:
        return [to_jsonable(v) for v in obj]  # type: ignore[attr-defined]
    if kind is dict:
        return {str(k): to_jsonable(v) for k, v in obj.items()}  # type: ignore[attr-defined]
    if isinstance(obj, enum.Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _dataclass_jsonable(obj)
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, bytes | bytearray):
        return base64.b64encode(obj).decode("ascii")
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)


# per dataclass: (field name, sparse, default) for every field
_PLANS: dict[type[Any], tuple[tuple[str, bool, Any], ...]] = {}


def _dataclass_jsonable(obj: Any) -> dict[str, Any]:
    plan = _PLANS.get(type(obj))
    if plan is None:
        plan = _PLANS[type(obj)] = tuple(
            (f.name, bool(f.metadata.get(SPARSE_KEY)), f.default) for f in dataclasses.fields(obj)
        )
    out = {}
    for name, sparse, default in plan:
        value = getattr(obj, name)
        if not sparse or value != default:
            out[name] = to_jsonable(value)
    return out


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


Decoder = typing.Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}  # per type: how to rebuild it, worked out once


def from_jsonable(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from JSON data. Unknown dataclass keys are ignored,
    so an older client can read a newer engine's replies."""
    return _decoder_for(tp)(data)


def _decoder_for(tp: Any) -> Decoder:
    decode = _DECODERS.get(tp)
    if decode is None:
        decode = _DECODERS[tp] = _decoder(tp)
    return decode


def _same(data: Any) -> Any:
    return data


def _decoder(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(typing.get_args(tp))
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple([item(v) for v in _items(data)])
        items = [_decoder(t) for t in args]
        return lambda data: tuple(f(v) for f, v in zip(items, data, strict=False))
    if origin is list:
        item = _decoder(typing.get_args(tp)[0])
        return lambda data: [item(v) for v in _items(data)]
    if origin in (dict, Mapping):
        return dict
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _DataclassDecoder(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if tp is float:
        return lambda data: float(data) if isinstance(data, int) else data
    if tp is bytes:
        return _from_base64
    return _same


def _from_base64(data: Any) -> bytes:
    if not isinstance(data, str):
        raise ValueError(f"expected base64 text, not {data!r}")
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error as err:
        raise ValueError(f"bad base64: {err}") from None


def _items(data: Any) -> Any:
    """A lone string where a list belongs is a list of one (as people write requests)."""
    return [data] if isinstance(data, str) else data


def _union_decoder(options: tuple[Any, ...]) -> Decoder:
    real = [t for t in options if t is not type(None)]
    if len(real) != 1:
        return _same
    inner, optional = _decoder(real[0]), len(real) < len(options)
    return lambda data: None if data is None and optional else inner(data)


class _DataclassDecoder:
    """Rebuilds one dataclass; its fields' decoders are worked out on first use (a
    dataclass may refer to itself)."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.fields: dict[str, Decoder] | None = None

    def __call__(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError(f"expected a JSON object for {self.cls.__name__}, not {data!r}")
        if self.fields is None:
            hints = typing.get_type_hints(self.cls)
            self.fields = {f.name: _decoder_for(hints[f.name])
                           for f in dataclasses.fields(self.cls) if f.init}
        fields = self.fields
        return self.cls(**{k: fields[k](v) for k, v in data.items() if k in fields})

