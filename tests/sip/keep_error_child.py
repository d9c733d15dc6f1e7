"""Child process for test_teardown: keep a backend error alive past stop() and exit."""

from __future__ import annotations

import asyncio
import sys

from tests.sip.conftest import _lab
from tuiphone.model.backend import MediaSettings
from tuiphone.model.errors import TuiphoneError

kept: list[BaseException] = []


async def main() -> None:
    async with _lab(MediaSettings()) as lab:
        await lab.add("alice")
        await lab.add("bob")
        a = await lab.backend.make_call("alice", lab.contacts["bob"])
        try:
            await lab.backend.call_stats(a)  # no media yet: pj.Error raised next to a Call
        except TuiphoneError as err:
            kept.append(err)
    print("kept", type(kept[0]).__name__, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
