"""call: place a test call, send DTMF, stay a while, hang up, report media quality."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from typing import Any

from tuiphone.commands.calls import assertions, csvrow, flow, jsonl, report
from tuiphone.commands.calls.junit import write_junit
from tuiphone.commands.calls.registered import wait_registered
from tuiphone.commands.errors import Unsupported, with_result
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.control.paths import socket_path
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model import tone
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.errors import Timeout, TuiphoneError, UsageError
from tuiphone.model.events import MediaProblem


def parse_headers(values: list[str] | None) -> dict[str, str]:
    """``['X-Test: 1']`` -> ``{'X-Test': '1'}``. Raises UsageError."""
    headers: dict[str, str] = {}
    for item in values or ():
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header wants 'Name: value', got {item!r}")
        headers[name.strip()] = value.strip()
    return headers


def absolute(path: str) -> str:
    """An attached engine runs in another directory: send it absolute paths."""
    return os.path.abspath(path)


async def call(phone: PhoneApi, args: argparse.Namespace) -> Any:
    if getattr(args, "dry_run", False):
        return await dry_run(phone, args)
    if args.srtp is not None:
        raise Unsupported("--srtp works only when this command starts its own engine; "
                          "set srtp in the account for a running engine")
    started = time.time()
    try:
        rep = await _place(phone, args)
        report.check(args, rep)
    except TuiphoneError as err:
        _reports(args, started, err, getattr(err, "result", None))
        raise
    _reports(args, started, None, rep)
    return rep


def _reports(args: argparse.Namespace, started: float, err: TuiphoneError | None,
             rep: dict[str, Any] | None) -> None:
    """--junit, --jsonl and --csv, for a call that passed (``err`` None) or failed."""
    ended = time.time()
    if opt(args, "csv") and rep:
        csvrow.append(args.csv, csvrow.report_row(rep, started))
    if args.junit:
        write_junit(args.junit, args.uri, err, rep, seconds=ended - started,
                    properties={"mos_method": assertions.MOS_METHOD})
    if opt(args, "jsonl"):
        expected = int(args.expect) if (args.expect or "").isdigit() else 200
        fields = jsonl.call_fields(rep, expected) if rep else {
            "from": opt(args, "account") or "", "to": args.uri}
        failures = [a["message"] for a in (rep or {}).get("assertions", []) if not a["ok"]]
        if err is not None and not failures:
            failures = [str(err)]
        jsonl.append(args.jsonl, [jsonl.Action("call", args.uri, started, ended, err is None,
                                               fields, failures)])


async def dry_run(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """The INVITE ``call`` would send; nothing is sent."""
    preview = await phone.invite_preview(args.uri, opt(args, "account"),
                                         parse_headers(args.header))
    if opt(args, "json"):
        return preview
    kind = "an emergency call" if preview.emergency else "a call"
    note = (f"\n-- dry run: {kind}; nothing was sent. Filled in by the SIP stack at send "
            f"time: {', '.join(preview.pending)}.\n")
    return Verbatim(preview.text.replace("\r\n", "\n") + "\n" + note)


async def _place(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    async with EventFeed(phone) as feed:
        waited = 0.0
        if not opt(args, "no_register"):
            waited = await wait_registered(phone, feed, opt(args, "account"), args.timeout)
        started = time.monotonic()
        info = await phone.call(args.uri, opt(args, "account"), parse_headers(args.header))
        try:
            rep = await _follow(phone, feed, args, info, started)
            rep["register_wait_ms"] = waited
            return rep
        except BaseException:
            # A running engine outlives this command: never leave the call up there
            # (a bad --record path, Ctrl-C, a timeout).
            await _hang_up_quietly(phone, info.id)
            raise


async def _follow(phone: PhoneApi, feed: EventFeed, args: argparse.Namespace,
                  info: CallInfo, started: float) -> dict[str, Any]:
    try:
        final = await flow.wait_final(feed, info, args.timeout)
    except Timeout as err:
        rep = report.report(args.uri, info, None, None, "", "timeout")
        raise with_result(err, rep) from None
    setup_ms = (time.monotonic() - started) * 1000
    if final.state is CallState.ENDED:
        return report.report(args.uri, final, setup_ms, None, "", "failed")
    return await connected_phase(phone, feed, args, final, setup_ms)


async def _hang_up_quietly(phone: PhoneApi, call_id: str) -> None:
    with contextlib.suppress(TuiphoneError):
        await phone.hangup(call_id)


async def connected_phase(phone: PhoneApi, feed: EventFeed, args: argparse.Namespace,
                          call: CallInfo, setup_ms: float) -> dict[str, Any]:
    """Play, record, send DTMF, stay, hang up and report (``wait ... --answer`` too)."""
    with tempfile.TemporaryDirectory(prefix="tone-", dir=_scratch_parent(phone)) as scratch:
        heard = os.path.join(scratch, "heard.wav") if opt(args, "expect_tone") else None
        if heard is not None:  # what the far end sends, from the start, without --play
            await phone.record(call.id, heard, heard_only=True)
        rep = await _media(phone, feed, args, call, setup_ms)
        if heard is not None:
            rep["tone"] = await asyncio.to_thread(_tone, heard)
    return rep


def _scratch_parent(phone: PhoneApi) -> str | None:
    """Where the --expect-tone recording goes: a running engine writes it, and a daemon
    under systemd has a /tmp of its own (PrivateTmp), so beside the control socket,
    which both see; a private engine shares our /tmp."""
    return str(socket_path().parent) if phone.remote else None


def _tone(path: str) -> dict[str, Any]:
    """What the recording of the received audio holds (``--expect-tone``)."""
    try:
        reading = tone.measure(path)
    except (OSError, ValueError) as err:
        return {"error": f"cannot read the recording: {getattr(err, 'strerror', None) or err}"}
    return {"freq_hz": reading.freq_hz, "level_dbfs": reading.level_dbfs,
            "share": reading.share, "seconds": reading.seconds}


async def _media(phone: PhoneApi, feed: EventFeed, args: argparse.Namespace,
                 call: CallInfo, setup_ms: float) -> dict[str, Any]:
    if args.play:
        await phone.play(call.id, absolute(args.play))
    if args.record:
        await phone.record(call.id, absolute(args.record))
    received: list[str] = []
    problems: list[MediaProblem] = []
    sender = asyncio.ensure_future(flow.send_dtmf(phone, call.id, args.dtmf or ""))
    stay_s = max(args.duration, flow.dtmf_duration(args.dtmf or "") + 0.5 * bool(args.dtmf))
    if args.expect == "audio" or opt(args, "expect_media") or opt(args, "expect_tone"):
        stay_s = max(stay_s, flow.AUDIO_CHECK_S)
    try:
        alive = await flow.stay(feed, call.id, stay_s, received, problems)
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, TuiphoneError):
            await sender
    stats = None
    if alive:
        with contextlib.suppress(TuiphoneError):
            stats = await phone.call_stats(call.id)
        await _hang_up_quietly(phone, call.id)
    ended = await _ended(feed, call)
    rep = report.report(args.uri, ended, setup_ms, stats, "".join(received), "answered")
    rep["media_problem"] = report.problem(problems[0]) if problems else None
    rep["media"]["direction"] = assertions.direction(rep)
    return rep


async def _ended(feed: EventFeed, call: CallInfo) -> CallInfo:
    """The final snapshot of the call (with its end time), or the last one seen."""
    try:
        return await flow.wait_ended(feed, call, 5.0)
    except Timeout:
        return call
