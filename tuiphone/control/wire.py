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


def error_body(err: BaseException) -> dict[str, Any]:
    """The ``error`` member for an exception; foreign exceptions become BackendError."""
    if not isinstance(err, errors.TuiphoneError):
        return {"code": "BackendError", "message": f"{type(err).__name__}: {err}"}
    body: dict[str, Any] = {"code": type(err).__name__, "message": str(err)}
    if isinstance(err, errors.SipError):
        body.update(sip_code=err.code, reason=err.reason)
    return body


def error_from_body(body: dict[str, Any]) -> errors.TuiphoneError:
    """Rebuild the exception the server raised (a base class if the name is unknown here)."""
    code = str(body.get("code", "BackendError"))
    message = str(body.get("message", ""))
    cls = getattr(errors, code, None)
    if code == "SipError" or (isinstance(cls, type) and issubclass(cls, errors.SipError)):
        return errors.SipError(int(body.get("sip_code", 0)), str(body.get("reason", message)))
    if code == "ConfigError":
        return errors.ConfigError(message.splitlines())
    if isinstance(cls, type) and issubclass(cls, errors.TuiphoneError):
        return cls(message)
    return errors.BackendError(f"{code}: {message}")
