"""ping: OPTIONS with a round-trip time per request, like sipsak."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from tuiphone.commands.errors import with_result
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import SipError, Timeout, UsageError


async def _one(phone: PhoneApi, args: argparse.Namespace, seq: int) -> dict[str, Any]:
    try:
        res = await phone.ping(args.uri, opt(args, "account"), args.timeout)
    except Timeout as err:
        return {"seq": seq, "error": str(err)}
    return {"seq": seq, "status_code": res.code, "reason": res.reason,
            "rtt_ms": round(res.rtt_ms, 2)}


async def ping(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    """Exit 0 if any 2xx came back, 4 if only failures did, 3 if nothing did."""
    if args.count < 1 or args.interval < 0 or args.timeout <= 0:
        raise UsageError("ping: --count >= 1, --interval >= 0 and --timeout > 0")
    replies = []
    for seq in range(1, args.count + 1):
        replies.append(await _one(phone, args, seq))
        if seq < args.count:
            await asyncio.sleep(args.interval)  # the pacing the user asked for
    rtts = [r["rtt_ms"] for r in replies if "rtt_ms" in r]
    report: dict[str, Any] = {"uri": args.uri, "sent": len(replies), "received": len(rtts),
                              "replies": replies}
    if rtts:
        report.update(rtt_min_ms=min(rtts), rtt_avg_ms=round(sum(rtts) / len(rtts), 2),
                      rtt_max_ms=max(rtts))
    _check(replies, report)
    return report


def _check(replies: list[dict[str, Any]], report: dict[str, Any]) -> None:
    codes = [r["status_code"] for r in replies if "status_code" in r]
    if not codes:
        raise with_result(Timeout(f"no answer to {len(replies)} OPTIONS request(s)"), report)
    if not any(200 <= c < 300 for c in codes):
        last = next(r for r in reversed(replies) if "status_code" in r)
        raise with_result(SipError(last["status_code"], last["reason"]), report)
