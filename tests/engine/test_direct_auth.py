"""A direct account with a username answers digest challenges: it gets its password."""

from __future__ import annotations

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig


async def test_direct_accounts_get_a_password_only_with_a_username():
    asked = []

    def password(account_id: str) -> str:
        asked.append(account_id)
        return "pw"

    trunk = AccountConfig(id="trunk", uri="sip:t@192.0.2.7", username="t")
    plain = AccountConfig(id="plain", uri="sip:p@192.0.2.7")
    phone = Phone(EngineSetup(accounts=(trunk, plain), passwords=password, echo_line=False),
                  FakeBackend())
    await phone.start()
    try:
        assert asked == ["trunk"]
    finally:
        await phone.stop()
