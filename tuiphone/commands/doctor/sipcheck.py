"""Checks that need the engine: OPTIONS to the registrar, REGISTER, and the clock.

On a private engine (started for this run) REGISTER is sent with the account's
credentials and removed again; on an engine that runs anyway (a daemon, the TUI) its
registration is reported instead, so the registrar never holds a second binding.
"""

from __future__ import annotations

import argparse
from email.utils import parsedate_to_datetime

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor.report import Finding, fail, ok, warn
from tuiphone.commands.exitcodes import exit_code
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.registration import failure_error
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.errors import SipError, Timeout, TuiphoneError
from tuiphone.model.trace import TraceEntry

CLOCK_WARN_S = 5.0
CLOCK_FAIL_S = 300.0  # TLS checks validity in days; digest nonces are the server's own


async def options(phone: PhoneApi, account: AccountConfig, registrar: str,
                  timeout_s: float) -> Finding:
    try:
        res = await phone.ping(registrar, account.id, timeout_s)
    except Timeout:
        return fail("options", f"{registrar}: no answer to OPTIONS in {timeout_s:g} s",
                    "check that the registrar runs and its host, port and transport; "
                    "a firewall may drop SIP", exitcodes.TIMEOUT)
    except TuiphoneError as err:
        return fail("options", f"{registrar}: {err}", "check the network path (dns, route "
                    "above) and [engine] bind_address", exit_code(err))
    if 200 <= res.code < 300:
        return ok("options", f"{registrar}: {res.code} {res.reason}, RTT {res.rtt_ms:.1f} ms")
    if res.code == 408:
        return fail("options", f"{registrar}: {res.code} {res.reason}",
                    "check that the registrar runs and its host, port and transport",
                    exitcodes.TIMEOUT)
    return warn("options", f"{registrar}: {res.code} {res.reason} in {res.rtt_ms:.1f} ms "
                           "(it answers, but not 2xx)", "usually harmless: some registrars "
                           "refuse OPTIONS; REGISTER below is what counts")


async def register(phone: PhoneApi, account: AccountConfig, private: bool,
                   timeout_s: float) -> Finding:
    if not private:
        return _running(phone, account)
    from tuiphone.commands.checks.register import register as send

    ns = argparse.Namespace(account=account.id, timeout=timeout_s)
    try:
        got = await send(phone, ns)
    except SipError as err:
        return fail("register", f"{account.id}: {err}", _refused_fix(err.code),
                    exitcodes.REFUSED)
    except TuiphoneError as err:
        return fail("register", f"{account.id}: {err}", "see options above: the registrar "
                    "must answer first", exit_code(err))
    try:
        await phone.unregister(account.id)
        removed = "then removed"
    except TuiphoneError as err:
        removed = f"removing it failed: {err}"
    return ok("register", f"{account.id}: {got['status_code']} {got['reason']} in "
                          f"{got['time_ms']} ms, {got['auth_challenges']} challenge(s); "
                          f"{removed}")


def _running(phone: PhoneApi, account: AccountConfig) -> Finding:
    state = next((a for a in phone.state().accounts if a.id == account.id), None)
    if state is None:
        return warn("register", f"{account.id}: not known to the running engine",
                    "restart the engine so it reads the current config")
    note = "the running engine's registration (not sent again: one binding)"
    if state.reg_state is RegState.REGISTERED:
        return ok("register", f"{account.id}: {state.code} {state.reason}, expires "
                              f"{state.expires} s; {note}")
    if state.reg_state is RegState.REGISTERING:
        return warn("register", f"{account.id}: registering; {note}",
                    "wait, then run tuiphone doctor again")
    err = failure_error(state)
    code = exit_code(err)
    fix = _refused_fix(state.code) if code == exitcodes.REFUSED else \
        "check the registrar (options above); 'tuiphone register' retries"
    return fail("register", f"{account.id}: {state.reg_state.value} ({err}); {note}", fix,
                code)


def _refused_fix(code: int) -> str:
    if code in (401, 403, 407):
        return "check username, realm and the password (secrets above) for this account"
    if code == 404:
        return "check the account's uri: the registrar does not know this user"
    return "see the status above; the registrar's operator can say why"


def clock(trace: list[TraceEntry]) -> Finding:
    """Our clock against the ``Date`` of the registrar's latest OPTIONS/REGISTER answer."""
    dated = [(e, d) for e in trace if e.direction == "rx" and e.text.startswith("SIP/")
             and _method(e) in ("OPTIONS", "REGISTER") and (d := _date(e)) is not None]
    if not dated:
        return ok("clock", "not measured: the registrar's answers carry no Date header")
    entry, date = dated[-1]
    offset = date - entry.timestamp
    detail = f"registrar's Date {_ahead(offset)} (from its {_method(entry)} answer)"
    if abs(offset) >= CLOCK_FAIL_S:
        return fail("clock", detail, "set the time: enable NTP (timedatectl set-ntp true)",
                    exitcodes.EXPECTATION)
    if abs(offset) >= CLOCK_WARN_S:
        return warn("clock", detail, "enable NTP (timedatectl set-ntp true)")
    return ok("clock", detail)


def _ahead(offset: float) -> str:
    if abs(offset) < 1.5:  # Date has whole seconds
        return "agrees with ours (within 1 s)"
    return f"is {abs(offset):.0f} s {'ahead of' if offset > 0 else 'behind'} ours"


def _header(entry: TraceEntry, name: str) -> str | None:
    for line in entry.text.splitlines()[1:]:
        if not line.strip():
            return None
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def _method(entry: TraceEntry) -> str:
    cseq = _header(entry, "cseq") or ""
    return cseq.split()[-1].upper() if cseq.split() else ""


def _date(entry: TraceEntry) -> float | None:
    value = _header(entry, "date")
    if value is None:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None

