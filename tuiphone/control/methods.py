"""The PhoneApi methods a control client may call.

Each method's parameters and result type are read from ``PhoneApi`` itself
(``inspect.signature`` and ``typing.get_type_hints``), so a new engine method needs the
Protocol and ``Phone`` only: the server serves it and ``RemotePhone`` calls it. A
method returning an async iterator (``events``) is a stream, reached with
``subscribe``; it is not in the table.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from tuiphone.engine.api import PhoneApi
from tuiphone.model.codec import from_jsonable, to_jsonable
from tuiphone.model.errors import UsageError


class Method:
    """One PhoneApi method as the socket sees it. Its signature and types are read on
    first use: a one-shot command attaching to the engine uses two or three methods."""

    def __init__(self, name: str, declared: Callable[..., Any]) -> None:
        self.name = name
        self.declared = declared
        self.is_async = inspect.iscoroutinefunction(declared)

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        """As declared, with ``self``."""
        return inspect.signature(self.declared)

    @functools.cached_property
    def _hints(self) -> dict[str, Any]:
        return typing.get_type_hints(self.declared)

    @functools.cached_property
    def params(self) -> dict[str, Any]:
        """Parameter name -> type."""
        return {p: self._hints[p] for p in list(self.signature.parameters)[1:]}

    @functools.cached_property
    def returns(self) -> Any:
        """The result's type; None for "-> None"."""
        returns = self._hints.get("return")
        return None if returns is type(None) else returns

    def encode_args(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """A request's JSON ``args`` for a call, every parameter named (defaults too).
        Raises TypeError for arguments the method does not take, as a call would."""
        bound = self.signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        return {k: to_jsonable(v) for k, v in list(bound.arguments.items())[1:]}

    def decode_args(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Typed arguments from a request's JSON ``args``. Raises UsageError."""
        try:
            self.signature.bind(None, **args)
        except TypeError as err:
            raise UsageError(f"{self.name}: {err}") from None
        return {k: _decode(self.name, k, self.params[k], v) for k, v in args.items()}

    def decode_result(self, data: Any) -> Any:
        return None if self.returns is None else from_jsonable(self.returns, data)


def _decode(method: str, name: str, tp: Any, value: Any) -> Any:
    record = _record_type(tp)
    if record is not None and isinstance(value, Mapping):
        known = [f.name for f in dataclasses.fields(record)]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise UsageError(f"{method}: unknown field(s) in {name}: {', '.join(unknown)}; "
                             f"known: {', '.join(known)}")
    try:
        return from_jsonable(tp, value)
    except (TypeError, ValueError, AttributeError, KeyError) as err:
        raise UsageError(f"{method}: bad {name}: {err}") from None


def _record_type(tp: Any) -> type[Any] | None:
    """The dataclass ``tp`` is, or is optionally."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        found = [_record_type(t) for t in typing.get_args(tp)]
        return next((t for t in found if t is not None), None)
    return tp if isinstance(tp, type) and dataclasses.is_dataclass(tp) else None


def _is_stream(fn: Callable[..., Any]) -> bool:
    """A plain method returning an async iterator (a coroutine never is one)."""
    if inspect.iscoroutinefunction(fn):
        return False
    returns = typing.get_type_hints(fn).get("return")
    return typing.get_origin(returns) is collections.abc.AsyncIterator


METHODS: dict[str, Method] = {
    name: Method(name, fn)
    for name, fn in vars(PhoneApi).items()
    if inspect.isfunction(fn) and not name.startswith("_") and not _is_stream(fn)
}


async def invoke(phone: PhoneApi, name: str, args: Mapping[str, Any]) -> object:
    """Call ``phone.<name>(**args)`` with typed arguments. Raises UsageError for an
    unknown method or bad arguments."""
    method = METHODS.get(name)
    if method is None:
        raise UsageError(f"unknown command {name!r}")
    result = getattr(phone, name)(**method.decode_args(args))
    return await result if method.is_async else result
