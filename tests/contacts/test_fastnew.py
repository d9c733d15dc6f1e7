"""``maker`` builds the same frozen objects as the dataclass's own ``__init__``."""

from __future__ import annotations

import dataclasses

import pytest

from tuiphone.contacts.contact import Origin
from tuiphone.contacts.fields import Address, Phone
from tuiphone.contacts.persist.fastnew import maker


def test_made_objects_equal_constructed_ones_and_stay_frozen() -> None:
    phone = maker(Phone)("030 1234", frozenset({"cell"}), "Mobil", True)
    assert phone == Phone("030 1234", frozenset({"cell"}), "Mobil", True)
    assert hash(phone) == hash(Phone("030 1234", frozenset({"cell"}), "Mobil", True))
    assert maker(Origin)("b", "p", "h") == Origin("b", "p", "h")
    values = ("", "", "Main St 1", "Town", "", "123", "Land", frozenset(), "", "DE")
    assert maker(Address)(*values) == Address(*values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.number = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        maker(Phone)("only one")


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        raise AssertionError


@dataclasses.dataclass(frozen=True)
class _NoSlots:
    value: int


@pytest.mark.parametrize("cls", [_Checked, _NoSlots])
def test_refuses_what_it_cannot_build_faithfully(cls: type) -> None:
    with pytest.raises(TypeError):
        maker(cls)
