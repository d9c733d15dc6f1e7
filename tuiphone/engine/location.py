"""Which location profile an emergency call carries: the one picked by hand
(``location set``), else the first whose rule matches the network we are on.

Rules in order of how exactly they name a place: the gateway's MAC (one LAN), the
Wi-Fi SSID, the public address the registrar saw (one site's NAT), our subnet (private
ranges repeat from site to site). Loop-thread only; the network is read in a worker
thread (it runs ``ip``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import NotFound
from tuiphone.model.location import LocationChoice, LocationProfile, NetworkFacts
from tuiphone.net.netfacts import in_network

FactsSource = Callable[[], NetworkFacts]


def _no_facts() -> NetworkFacts:
    return NetworkFacts()


class LocationDesk:
    """``facts`` reads the network (blocking); ``public`` gives the addresses the
    registrars saw us from."""

    def __init__(self, profiles: tuple[LocationProfile, ...], override: str | None,
                 facts: FactsSource = _no_facts,
                 public: Callable[[], tuple[str, ...]] = tuple) -> None:
        self.profiles = profiles
        self._facts = facts
        self._public = public
        self.override: str | None = None
        if override is not None and self.profile(override) is not None:
            self.override = override

    def profile(self, name: str) -> LocationProfile | None:
        return next((p for p in self.profiles if p.name == name), None)

    def set_override(self, name: str | None) -> None:
        """Pick ``name`` by hand (None: back to matching). Raises NotFound."""
        if name is not None and self.profile(name) is None:
            known = ", ".join(p.name for p in self.profiles) or "none configured"
            raise NotFound(f"no location profile {name!r} (profiles: {known})")
        self.override = name

    async def choose(self, acc: AccountConfig) -> LocationChoice:
        """What an emergency call on ``acc`` would carry now, and why."""
        if not acc.features.location:
            return LocationChoice(None, "off", f"features.location is off for {acc.id!r}",
                                  account_id=acc.id, enabled=False)
        facts = await asyncio.to_thread(self._facts)
        facts = NetworkFacts(facts.gateway, facts.gateway_mac, facts.addresses, facts.ssids,
                             self._public())
        profile, rule, detail = match(self.profiles, self.override, facts)
        from tuiphone.engine.pidf import build_pidf  # ElementTree: when a location is used

        pidf = build_pidf(profile, acc.uri, f"tuiphone-{acc.id}") if profile else ""
        return LocationChoice(profile, rule, detail, facts, acc.id, pidf=pidf)

    def active_name(self) -> str:
        """The profile picked by hand, or "" (matching happens per call)."""
        return self.override or ""


def match(profiles: tuple[LocationProfile, ...], override: str | None,
          facts: NetworkFacts) -> tuple[LocationProfile | None, str, str]:
    """(profile, rule, detail): the profile for ``facts`` and the rule that chose it."""
    if override is not None:
        chosen = next((p for p in profiles if p.name == override), None)
        if chosen is not None:
            return chosen, "override", "picked by hand (location set)"
    for rule, test in _RULES:
        for profile in profiles:
            seen = test(profile, facts)
            if seen:
                return profile, rule, seen
    return None, "none", _nothing(profiles, facts)


def _by_mac(profile: LocationProfile, facts: NetworkFacts) -> str:
    mac = facts.gateway_mac
    return f"gateway {facts.gateway} is {mac}" if mac and mac in profile.match.gateway_macs \
        else ""


def _by_ssid(profile: LocationProfile, facts: NetworkFacts) -> str:
    hit = next((s for s in facts.ssids if s in profile.match.ssids), "")
    return f"Wi-Fi SSID {hit!r}" if hit else ""


def _by_public(profile: LocationProfile, facts: NetworkFacts) -> str:
    for address in facts.public_addresses:
        for network in profile.match.public_addresses:
            if in_network(address, network):
                return f"the registrar sees us as {address} (in {network})"
    return ""


def _by_subnet(profile: LocationProfile, facts: NetworkFacts) -> str:
    for address in facts.addresses:
        for network in profile.match.subnets:
            if in_network(address, network):
                return f"our address {address} is in {network}"
    return ""


_RULES = (("gateway_mac", _by_mac), ("ssid", _by_ssid), ("public_address", _by_public),
          ("subnet", _by_subnet))


def _nothing(profiles: tuple[LocationProfile, ...], facts: NetworkFacts) -> str:
    if not profiles:
        return "no [[locations]] configured"
    seen = facts.gateway_mac or "unknown"
    return (f"no profile matches (gateway {facts.gateway or 'none'} MAC {seen}, "
            f"addresses {', '.join(facts.addresses) or 'none'}); pick one with location set")
