"""Create, configure and destroy the pjsua2 Endpoint. Every function here runs
on the pjsip thread."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
from collections.abc import Callable, Iterator

import pjsua2 as pj

from tuiphone.model.backend import BackendSettings
from tuiphone.sip.errors import convert
from tuiphone.sip.logwriter import TraceWriter
from tuiphone.sip.transports import Transports

log = logging.getLogger("tuiphone.sip")
MAX_CALLS = 4  # PJSUA_MAX_CALLS compiled into the wheel (lab-facts Q7)
MAX_NAMESERVERS = 4  # PJ_DNS_RESOLVER_MAX_NS


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """libCreate prints banner lines to fd 1 before any log config applies.

    C stdio may buffer them (stdout not a tty), so flush C streams while fd 1
    still points at /dev/null; otherwise they leak onto the terminal at exit.
    """
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


class _Endpoint(pj.Endpoint):  # type: ignore[misc]
    """The Endpoint, with its transport-state callback handed to ``on_transport``."""

    def __init__(self) -> None:
        super().__init__()
        self.on_transport: Callable[[pj.OnTransportStateParam], None] = lambda prm: None

    def onTransportState(self, prm: pj.OnTransportStateParam) -> None:
        try:
            self.on_transport(prm)
        except Exception:  # a callback must never raise into pjsip
            log.exception("transport state callback failed")


class Stack:
    """The Endpoint plus its transports and log writer."""

    def __init__(self, settings: BackendSettings, dump: Callable[[float, str, int], None]
                 ) -> None:
        self.settings = settings
        self.writer = TraceWriter(dump, settings.log_level)
        with quiet_stdout():
            self.ep = _Endpoint()
            self.ep.libCreate()
        self.transports = Transports(self.ep, settings.bind_address)
        self.sound_on = False

    def init(self) -> tuple[str, int]:
        """libInit with the tuned idle recipe, the shared transports, libStart.

        Returns the (address, port) of a UDP socket we listen on, used to wake the
        poll. Raises NetworkError."""
        try:
            self.ep.libInit(self._config())
            if self.settings.stun_servers:
                self._stun_rfc5389()
            wake = self.transports.start()
            self.ep.libStart()
            self.ep.audDevManager().setNoDev()
        except pj.Error as err:
            raise convert(err, "starting the SIP stack") from None
        return wake

    def _stun_rfc5389(self) -> None:
        from tuiphone.sip import stun2  # ctypes view of pjsua_var: only with STUN servers

        s = self.settings
        expected = stun2.Expected(min(s.max_calls, MAX_CALLS), s.nameservers[:MAX_NAMESERVERS],
                                  s.stun_servers)
        if not stun2.enable(expected):
            log.warning("STUN servers that only speak RFC 5389 (coturn) will not map our "
                        "sockets")

    def _config(self) -> pj.EpConfig:
        s = self.settings
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = min(s.max_calls, MAX_CALLS)
        cfg.uaConfig.userAgent = s.user_agent
        for server in s.nameservers[:MAX_NAMESERVERS]:
            cfg.uaConfig.nameserver.append(server)
        for server in s.stun_servers:
            cfg.uaConfig.stunServer.append(server)
        cfg.uaConfig.stunIgnoreFailure = True  # a dead STUN server must not stop SIP
        # No NAT-type detection (classic RFC 3489 probes) and no "a=X-nat" line telling
        # every peer what kind of NAT we sit behind.
        cfg.uaConfig.natTypeInSdp = 0
        cfg.medConfig.hasIoqueue = False
        cfg.medConfig.threadCnt = 0
        cfg.medConfig.noVad = not s.media.vad
        # The echo canceller sits on pjsua's sound port; the null device has none, and
        # device mode bypasses it (AudioMediaPorts): no canceller to configure.
        cfg.medConfig.ecTailLen = 0
        cfg.logConfig.level = 4
        cfg.logConfig.consoleLevel = 4  # gates the writer too (lab-facts Q7)
        cfg.logConfig.decor = 0
        cfg.logConfig.msgLogging = True
        cfg.logConfig.writer = self.writer
        return cfg

    def set_sound(self, on: bool) -> None:
        """Open the null sound device only while calls exist (its clock ticks 50 Hz)."""
        if on == self.sound_on:
            return
        mgr = self.ep.audDevManager()
        with contextlib.suppress(pj.Error):
            mgr.setNullDev() if on else mgr.setNoDev()
            self.sound_on = on

    def handle_events(self, ms: int) -> None:
        self.ep.libHandleEvents(ms)

    def destroy(self) -> None:
        """libDestroy without the 1 s network wait. Callers drop every pjsua2
        object reference first; this collects garbage before destroying."""
        gc.collect()
        with contextlib.suppress(pj.Error):
            self.ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
        self.transports.detach()  # its Endpoint reference would keep the singleton alive
        del self.ep
        gc.collect()
