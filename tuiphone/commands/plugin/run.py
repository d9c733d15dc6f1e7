"""Run a command as a monitoring plugin: its handler, bounded in time, judged by its
profile against ``--warning``/``--critical``; the output is the plugin's text."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from tuiphone.commands.errors import PluginExit, result_of
from tuiphone.commands.output import Plain
from tuiphone.commands.plugin.profiles import PROFILES, REGISTER_TIMEOUT_S, error_state
from tuiphone.commands.plugin.ranges import parse_thresholds
from tuiphone.commands.plugin.status import State, Verdict, render
from tuiphone.model.errors import Timeout, TuiphoneError

if TYPE_CHECKING:
    from tuiphone.commands.spec import Handler
    from tuiphone.engine.api import PhoneApi

GRACE_S = 10.0  # starting and stopping a private engine, on top of a command's limit


def limit_s(kind: str, args: argparse.Namespace) -> float:
    """How long the whole plugin run may take (engine start and stop included)."""
    inner = argparse.Namespace(**vars(args))
    _defaults(kind, inner)
    return PROFILES[kind].limit_s(inner) + GRACE_S


async def run(kind: str, handler: Handler, phone: PhoneApi, args: argparse.Namespace
              ) -> Plain:
    """The plugin's output when OK; raises PluginExit (carrying it) for the others."""
    profile = PROFILES[kind]
    try:
        warning = parse_thresholds(args.warning, profile.metrics, "--warning")
        critical = parse_thresholds(args.critical, profile.metrics, "--critical")
    except TuiphoneError as err:
        return finish(Verdict(State.UNKNOWN, str(err)), {}, {})
    inner = argparse.Namespace(**vars(args))
    _defaults(kind, inner)
    inner.json = True  # the data, not the text for people (doctor)
    result: Any = None
    error: BaseException | None = None
    limit = profile.limit_s(inner)
    try:
        result = await asyncio.wait_for(handler(phone, inner), limit)
    except TuiphoneError as err:
        result, error = result_of(err), err
    except TimeoutError:
        error = Timeout(f"no result within {limit:g} s")
    return finish(profile.verdict(result, error, inner), warning, critical)


def finish(verdict: Verdict, warning: Any, critical: Any) -> Plain:
    state, text = render(verdict, warning, critical)
    if state is not State.OK:
        raise PluginExit(int(state), Plain(text))
    return Plain(text)


def failed_early(err: BaseException) -> tuple[int, str]:
    """(exit status, output) for a run that failed before its check could be made
    (a config that does not load, an engine that does not start)."""
    state, text = render(Verdict(error_state(err), str(err) or type(err).__name__), {}, {})
    return int(state), text


def _defaults(kind: str, args: argparse.Namespace) -> None:
    if kind == "register" and args.timeout is None:
        args.timeout = REGISTER_TIMEOUT_S
