"""RemotePhone and the server cover every PhoneApi method, with the same parameters."""

from __future__ import annotations

import inspect

import pytest

from tuiphone.control.methods import RESULT_TYPES
from tuiphone.control.remote import RemotePhone
from tuiphone.engine.api import PhoneApi

API = sorted(n for n, v in vars(PhoneApi).items()
             if callable(v) and not n.startswith("_"))


@pytest.mark.parametrize("name", API)
def test_remote_phone_has_the_method_with_the_same_parameters(name):
    ours = inspect.signature(getattr(RemotePhone, name))
    theirs = inspect.signature(getattr(PhoneApi, name))
    assert list(ours.parameters) == list(theirs.parameters)
    defaults = {p.name: p.default for p in theirs.parameters.values()}
    assert {p.name: p.default for p in ours.parameters.values()} == defaults


@pytest.mark.parametrize("name", [n for n in API if n != "events"])
def test_server_serves_the_method(name):
    assert name in RESULT_TYPES
