"""The control protocol on the wire: JSON lines, requests, replies and errors.

Request ``{"id": 7, "cmd": "call", "args": {...}}``; reply ``{"id": 7, "ok": true,
"result": ...}`` or ``{"id": 7, "ok": false, "error": {"code": "SipError", "message": ...}}``.
``code`` is the name of a ``tuiphone.model.errors`` class; SIP failures add ``sip_code``
and ``reason`` so the client can rebuild the exact exception.
"""

from __future__ import annotations

import json
from typing import Any

from tuiphone.model import errors
from tuiphone.model.codec import to_jsonable

MAX_LINE = 4 * 1024 * 1024  # a trace reply can be large; anything past this is abuse


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """Parse one line. Raises UsageError if it is not a JSON object."""
    try:
        data = json.loads(line)
    except ValueError as err:
        raise errors.UsageError(f"not JSON: {err}") from None
    if not isinstance(data, dict):
        raise errors.UsageError("a request must be a JSON object")
    return data


def _model_base(err: errors.TuiphoneError) -> str:
    """The nearest class of ``tuiphone.model.errors`` (what every client knows)."""
    for cls in type(err).__mro__:
        if getattr(errors, cls.__name__, None) is cls:
            return str(cls.__name__)
    return "TuiphoneError"


def error_body(err: BaseException) -> dict[str, Any]:
    """The ``error`` member for an exception; foreign exceptions become BackendError.

    ``code`` is the exact class name, ``base`` the nearest model error class; a report
    the failed command still produced (``err.result``) travels as ``result``."""
    if not isinstance(err, errors.TuiphoneError):
        return {"code": "BackendError", "base": "BackendError",
                "message": f"{type(err).__name__}: {err}"}
    body: dict[str, Any] = {"code": type(err).__name__, "base": _model_base(err),
                            "message": str(err)}
    if isinstance(err, errors.SipError):
        body.update(sip_code=err.code, reason=err.reason)
    result = getattr(err, "result", None)
    if result is not None:
        body["result"] = to_jsonable(result)
    return body


def error_from_body(body: dict[str, Any]) -> errors.TuiphoneError:
    """Rebuild the exception the server raised, as its nearest model error class."""
    code = str(body.get("code", "BackendError"))
    message = str(body.get("message", ""))
    cls = getattr(errors, code, None) or getattr(errors, str(body.get("base")), None)
    if not (isinstance(cls, type) and issubclass(cls, errors.TuiphoneError)):
        return errors.BackendError(f"{code}: {message}")
    if issubclass(cls, errors.SipError):
        err: errors.TuiphoneError = errors.SipError(
            int(body.get("sip_code", 0)), str(body.get("reason", message)))
    elif issubclass(cls, errors.ConfigError):
        err = errors.ConfigError(message.splitlines())
    else:
        err = cls(message)
    if "result" in body:
        err.result = body["result"]  # type: ignore[attr-defined]
    return err
