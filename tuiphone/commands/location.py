"""location show / set: the profile an emergency call would carry, and why."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.config.appstate import save_location_override
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import UsageError
from tuiphone.model.location import GeoPoint, LocationChoice, LocationProfile


async def location(phone: PhoneApi, args: argparse.Namespace) -> Any:
    account = opt(args, "account")
    if args.action == "show":
        if args.name or args.auto:
            raise UsageError("location show takes no NAME or --auto")
        choice = await phone.location(account)
    else:
        if bool(args.name) == bool(args.auto):
            raise UsageError("location set wants a profile NAME, or --auto")
        choice = await phone.set_location(args.name, account)  # NotFound: nothing saved
        await asyncio.to_thread(save_location_override, args.name)
    return choice if opt(args, "json") else Verbatim(describe(choice))


def describe(choice: LocationChoice) -> str:
    """The human form: profile, why, what was observed, then the PIDF-LO."""
    facts = choice.facts
    lines = [f"account:  {choice.account_id} (features.location "
             f"{'on' if choice.enabled else 'off'})"]
    if choice.profile is None:
        lines.append("profile:  none: an emergency call goes out without location")
    else:
        lines.append(f"profile:  {choice.profile.name}: {place(choice.profile)}")
    lines.append(f"why:      {choice.rule}: {choice.detail}")
    if choice.enabled:
        lines += [
            f"gateway:  {facts.gateway or 'none'}"
            + (f" ({facts.gateway_mac})" if facts.gateway_mac else ""),
            f"subnets:  {', '.join(facts.addresses) or 'none'}",
            f"Wi-Fi:    {', '.join(facts.ssids) or 'none seen'}",
            f"public:   {', '.join(facts.public_addresses) or 'not known (no REGISTER answer)'}",
        ]
    if choice.pidf:
        lines += ["", "PIDF-LO sent with an emergency call (RFC 4119/5139/5491):",
                  choice.pidf.rstrip()]
    return "\n".join(lines) + "\n"


def place(profile: LocationProfile) -> str:
    if profile.point is not None:
        return point_text(profile.point)
    return ", ".join(f"{name}={value}" for name, value in profile.civic)


def point_text(point: GeoPoint) -> str:
    text = f"{point.lat:.6f}, {point.lon:.6f}"
    return f"{text} ±{point.radius_m:g} m" if point.radius_m else text
