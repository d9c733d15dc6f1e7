"""PjBackend: tuiphone.model.backend.SipBackend over pjsua2.

Every coroutine runs on the engine's asyncio loop and hands a closure to the
"pjsip" thread (see loop.py), which owns the Endpoint and all pjsua2 objects.
``emit`` is called on the same asyncio loop. Only tuiphone errors are raised.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, TypeVar

from tuiphone.model.account import AccountConfig, DtmfMethod
from tuiphone.model.audio import AudioDevice
from tuiphone.model.backend import BackendSettings, BodyPart, CallScreen, Emit, PingResult
from tuiphone.model.call import CallStats
from tuiphone.model.errors import BackendError, Timeout, TuiphoneError, UsageError
from tuiphone.model.network import Route
from tuiphone.model.rtp import RtpPacket
from tuiphone.sip.loop import PjLoop

if TYPE_CHECKING:
    from tuiphone.sip.core import Core
    from tuiphone.sip.sound_desk import SoundDesk

T = TypeVar("T")
_MODES = ("null", "files", "device")
LAMP_CHUNK = 20  # URIs subscribed per pjsip-thread job
SOUND_TIMEOUT_S = 20.0
_active: list[PjBackend] = []  # pjsua2 allows one Endpoint per process


class PjBackend:
    """One per process: pjsua2 allows a single Endpoint. Restartable after stop()."""

    def __init__(self) -> None:
        self._loop: PjLoop | None = None
        self._core: Core | None = None
        self._screen: CallScreen | None = None

    def set_call_screen(self, screen: CallScreen | None) -> None:
        self._screen = screen
        if self._core is not None:
            self._core.call_screen = screen  # one reference: the pjsip thread sees either

    @property
    def running(self) -> bool:
        return self._loop is not None and self._loop.alive

    async def start(self, settings: BackendSettings, emit: Emit) -> None:
        """Start the pjsip thread and stack. Raises NetworkError, UsageError, BackendError."""
        if self.running:
            raise UsageError("the SIP backend is already running")
        if _active and _active[0] is not self:
            raise BackendError("another PjBackend is running in this process (one pjsua2 Endpoint)")
        _check_media(settings)
        from tuiphone.sip.core import Core  # imports pjsua2: only when started

        aio = asyncio.get_running_loop()
        holder: list[Core] = []
        pj_loop = PjLoop(lambda ms: holder[0].poll(ms), settings.poll_ms)

        def setup() -> tuple[str, int]:
            holder.append(Core(settings, aio, emit, pj_loop.post))
            holder[0].call_screen = self._screen
            return holder[0].start()

        def teardown() -> None:
            if holder:
                holder.pop().shutdown()

        _active.append(self)
        try:
            await asyncio.to_thread(pj_loop.start, setup, teardown)
        except BaseException:
            _active.remove(self)
            raise
        self._loop, self._core = pj_loop, holder[0]

    async def stop(self) -> None:
        loop, self._loop, self._core = self._loop, None, None
        if loop is not None:
            await asyncio.to_thread(loop.stop)
        if self in _active:
            _active.remove(self)

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        loop, core = self._loop, self._core
        if loop is None or core is None:
            raise BackendError("the SIP backend is not running")
        return await loop.run(lambda: fn(core, *args), core.handoff)

    async def run_in_stack(self, fn: Callable[[Core], T]) -> T:
        """Run ``fn(core)`` on the pjsip thread (for sibling modules such as BLF).

        ``core.account(id)`` gives the pj.Account, ``core.emit`` hands events to the
        engine loop, ``core.poll_hooks`` run after every poll. ``fn`` must raise only
        tuiphone errors and must not keep pjsua2 objects beyond ``stop()``.
        """
        return await self._run(fn)

    async def sync(self) -> None:
        """Return once the pjsip thread has run every job queued before this call."""
        await self._run(lambda c: None)

    async def add_account(
        self,
        config: AccountConfig,
        password: str | None,
        route: Route | None = None,
        turn_password: str | None = None,
        tls_key_password: str | None = None,
    ) -> str:
        return await self._run(
            lambda c: c.add_account(config, password, route, turn_password, tls_key_password)
        )

    async def update_route(self, account_id: str, route: Route) -> None:
        await self._run(lambda c: c.update_route(account_id, route))

    async def remove_account(self, account_id: str) -> None:
        await self._run(lambda c: c.remove_account(account_id))

    async def set_registration(self, account_id: str, register: bool) -> None:
        await self._run(lambda c: c.set_registration(account_id, register))

    async def make_call(
        self,
        account_id: str,
        uri: str,
        headers: Mapping[str, str] | None = None,
        route: Route | None = None,
        parts: Sequence[BodyPart] = (),
        caller: str | None = None,
    ) -> str:
        hdrs, body = dict(headers or {}), tuple(parts)
        return await self._run(lambda c: c.calls.make(
            c.account(caller or account_id), uri, hdrs, route, body, owner=account_id))

    async def answer(self, call_id: str, code: int = 200) -> None:
        await self._run(lambda c: c.calls.answer(call_id, code))

    async def hangup(self, call_id: str, code: int = 0) -> None:
        await self._run(lambda c: c.calls.hangup(call_id, code))

    async def redirect(self, call_id: str, target: str) -> None:
        await self._run(lambda c: c.calls.redirect(call_id, target))

    async def hold(self, call_id: str) -> None:
        await self._run(lambda c: c.calls.hold(call_id, True))

    async def resume(self, call_id: str) -> None:
        await self._run(lambda c: c.calls.hold(call_id, False))

    async def set_mute(self, call_id: str, muted: bool) -> None:
        await self._run(lambda c: c.media.set_mute(c.calls.live(call_id), muted))

    async def send_dtmf(self, call_id: str, digits: str, method: DtmfMethod) -> None:
        await self._run(lambda c: c.calls.dtmf(call_id, digits, method))

    async def transfer(self, call_id: str, target: str) -> None:
        await self._run(lambda c: c.calls.transfer(call_id, target))

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None:
        await self._run(lambda c: c.calls.transfer_attended(call_id, target_call_id))

    async def conference(self, call_ids: Sequence[str]) -> None:
        ids = list(call_ids)
        await self._run(lambda c: c.media.conference([c.calls.live(i) for i in ids]))

    async def leave_conference(self, call_ids: Sequence[str]) -> None:
        ids = list(call_ids)
        await self._run(lambda c: c.media.leave([c.calls.live(i) for i in ids]))

    async def send_message(
        self, account_id: str, uri: str, body: str, content_type: str, message_id: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        await self._run(
            lambda c: c.pager.send(c.account(account_id), uri, body, content_type, message_id,
                                   headers)
        )

    async def send_typing(self, account_id: str, uri: str, active: bool) -> None:
        await self._run(lambda c: c.pager.typing(c.account(account_id), uri, active))

    async def ping(self, account_id: str, uri: str, timeout_s: float) -> PingResult:
        """OPTIONS ``uri``; returns the final response. Raises Timeout, NetworkError, InvalidUri.

        The future is settled at most once and never outlives this call unobserved: an
        answer after the timeout (or after cancellation) finds it cancelled and is dropped.
        """
        aio = asyncio.get_running_loop()
        fut: asyncio.Future[PingResult] = aio.create_future()

        core = self._core

        def done(outcome: PingResult | TuiphoneError) -> None:
            if core is not None and core.handoff.loop is aio:
                # after the events and trace lines of the same round (the 200's dump)
                core.handoff.put(lambda o: _settle_ping(fut, o), outcome)
                return
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                aio.call_soon_threadsafe(_settle_ping, fut, outcome)

        try:
            token = await self._run(lambda c: c.pinger.send(c.account(account_id), uri, done))
            try:
                return await asyncio.wait_for(fut, timeout_s)
            except TimeoutError:
                await self._run(lambda c: c.pinger.cancel(token))
                raise Timeout(f"no answer to OPTIONS {uri} within {timeout_s:g} s") from None
        finally:
            fut.cancel()

    async def rtp_packets(self) -> list[RtpPacket]:
        return await self._run(lambda c: c.rtp_tap.packets() if c.rtp_tap else [])

    async def codecs(self, account_id: str | None = None) -> list[str]:
        from tuiphone.sip.codecs import call_order, codec_ids

        def order(c: Core) -> list[str]:
            names = c.account(account_id).config.codecs if account_id else ()
            return call_order(names, c.codec_base, codec_ids(c.stack.ep))

        return await self._run(order)

    async def call_stats(self, call_id: str) -> CallStats:
        from tuiphone.sip.stats import call_stats

        return await self._run(lambda c: call_stats(c.calls.live(call_id)))

    async def play_file(self, call_id: str, path: str) -> None:
        await self._run(lambda c: c.media.play(c.calls.live(call_id), path))

    async def record_call(self, call_id: str, path: str | None = None,
                          stereo: bool = False, heard_only: bool = False) -> str:
        def start(c: Core) -> str:
            call = c.calls.live(call_id)
            target = path or c.media.default_path(call)
            c.media.record(call, target, stereo, heard_only)
            return target

        return await self._run(start)

    async def stop_recording(self, call_id: str) -> str:
        return await self._run(lambda c: c.media.stop_recording(c.calls.get(call_id)))

    async def audio_devices(self) -> list[AudioDevice]:
        return await self._sound(lambda desk: desk.devices())

    async def set_audio_device(self, role: str, device: str | None) -> str:
        return await self._sound(lambda desk: desk.use(role, device))

    async def _sound(self, fn: Callable[[SoundDesk], Future[T]]) -> T:
        """A job for the sound thread, not the pjsip thread: PortAudio restarts take
        ~170 ms and SIP must be answered meanwhile."""
        core = self._core
        if core is None or not self.running:
            raise BackendError("the SIP backend is not running")
        job = fn(core.media.sound)
        if job.cancelled():  # the engine is stopping
            raise BackendError("the SIP backend is not running")
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job), SOUND_TIMEOUT_S)
        except TimeoutError:
            raise Timeout(f"the sound devices did not answer within {SOUND_TIMEOUT_S:.0f} s"
                          ) from None

    async def loopback(self, call_id: str) -> None:
        await self._run(lambda c: c.media.loopback(c.calls.live(call_id)))

    async def subscribe_lamps(
        self, account_id: str, uris: Sequence[str], *, blf: bool, presence: bool
    ) -> None:
        """One pjsip-thread job per chunk, so calls and polls run between chunks."""
        todo = list(uris)
        for start in range(0, len(todo), LAMP_CHUNK):
            chunk = todo[start : start + LAMP_CHUNK]
            await self._run(lambda c, ch=chunk: c.lamps.subscribe(account_id, ch, blf, presence))

    async def unsubscribe_lamps(self, account_id: str, uris: Sequence[str]) -> None:
        todo = list(uris)
        for start in range(0, len(todo), LAMP_CHUNK):
            chunk = todo[start : start + LAMP_CHUNK]
            await self._run(lambda c, ch=chunk: c.lamps.unsubscribe(account_id, ch))

    async def set_presence(self, account_id: str, state: str, note: str = "") -> None:
        await self._run(lambda c: c.lamps.set_presence(account_id, state, note))


def _settle_ping(fut: asyncio.Future[PingResult], outcome: PingResult | TuiphoneError) -> None:
    if fut.done():
        return
    if isinstance(outcome, PingResult):
        fut.set_result(outcome)
    else:
        fut.set_exception(outcome)


def _check_media(settings: BackendSettings) -> None:
    mode = settings.media.mode
    if mode not in _MODES:
        raise UsageError(f"unknown audio mode {mode!r}; use one of {', '.join(_MODES)}")
    if mode == "device":
        from tuiphone.sip.device import load_sounddevice  # raises UsageError if missing

        load_sounddevice()
