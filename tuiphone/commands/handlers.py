"""Every command's handler, named by function and imported when its command runs.

Each function here is a door: on its first call it imports the module that does the
work, so ``tuiphone register`` never loads the call, chat or contacts code, and
go-to-definition still leads from ``table.py`` here and on to the real handler. A
door returns what its handler returns: a coroutine, or an async iterator for the
streaming commands.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuiphone.commands.spec import Handler
    from tuiphone.engine.api import PhoneApi


def _checked(kind: str, handler: Handler, phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    """The handler itself, or with ``--nagios`` the handler run as a monitoring plugin."""
    if getattr(args, "nagios", False):
        from tuiphone.commands.plugin.run import run

        return run(kind, handler, phone, args)
    result: Awaitable[Any] = handler(phone, args)
    return result


def status(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.info import status as handler

    return handler(phone, args)


def accounts(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.info import accounts as handler

    return handler(phone, args)


def register(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.checks.register import register as handler

    return _checked("register", handler, phone, args)


def unregister(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.checks.register import unregister as handler

    return handler(phone, args)


def ping(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.checks.ping import ping as handler

    return _checked("ping", handler, phone, args)


def call(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.call import call as handler

    return _checked("call", handler, phone, args)


def calls(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.control import calls as handler

    return handler(phone, args)


def answer(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.control import answer as handler

    return handler(phone, args)


def reject(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.control import reject as handler

    return handler(phone, args)


def hangup(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.control import hangup as handler

    return handler(phone, args)


def hold(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import hold as handler

    return handler(phone, args)


def resume(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import resume as handler

    return handler(phone, args)


def mute(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import mute as handler

    return handler(phone, args)


def unmute(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import unmute as handler

    return handler(phone, args)


def dtmf(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import dtmf as handler

    return handler(phone, args)


def transfer(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import transfer as handler

    return handler(phone, args)


def conference(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.calls.midcall import conference as handler

    return handler(phone, args)


def message(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.chat import message as handler

    return handler(phone, args)


def messages(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.chat import messages as handler

    return handler(phone, args)


def download(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.files import download as handler

    return handler(phone, args)


def resend(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.chat import resend as handler

    return handler(phone, args)


def history(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.chat import history as handler

    return handler(phone, args)


def wait(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.checks.wait import wait as handler

    return handler(phone, args)


def stats(phone: PhoneApi, args: Namespace) -> AsyncIterator[Any]:
    from tuiphone.commands.calls.quality import stats as handler

    return handler(phone, args)


def record(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.audio import record as handler

    return handler(phone, args)


def audio(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.audio import audio as handler

    return handler(phone, args)


def events(phone: PhoneApi, args: Namespace) -> AsyncIterator[Any]:
    from tuiphone.commands.trace.streams import events as handler

    return handler(phone, args)


def trace(phone: PhoneApi, args: Namespace) -> AsyncIterator[Any]:
    from tuiphone.commands.trace.streams import trace as handler

    return handler(phone, args)


def contacts(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.contacts.command import contacts as handler

    return handler(phone, args)


def data(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.data import data as handler

    return handler(phone, args)


def usage(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.usage import usage as handler

    return handler(phone, args)


def config(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.configcmd import config as handler

    return handler(phone, args)


def debug_bundle(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.bundle import debug_bundle as handler

    return handler(phone, args)


def secrets(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.secrets import secrets as handler

    return handler(phone, args)


def lamps(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.lamps import lamps as handler

    return handler(phone, args)


def location(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.location import location as handler

    return handler(phone, args)


def presence(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.lamps import presence as handler

    return handler(phone, args)


def dnd(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.rules import dnd as handler

    return handler(phone, args)


def codecs(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.rules import codecs as handler

    return handler(phone, args)


def pickup(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.lamps import pickup as handler

    return handler(phone, args)


def doctor(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.doctor.command import doctor as handler

    return _checked("doctor", handler, phone, args)


def provision(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.provision import provision as handler

    return handler(phone, args)


def open_link(phone: PhoneApi, args: Namespace) -> Awaitable[Any]:
    from tuiphone.commands.provision import open_link as handler

    return handler(phone, args)
