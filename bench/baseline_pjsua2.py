"""Baseline for bench/engine_bench.py: a plain pjsua2 user agent, no tuiphone code.

Lean settings on one thread: uaConfig.threadCnt=0, mainThreadOnly=True,
medConfig.hasIoqueue=False, medConfig.threadCnt=0, noVad, G722/16000 first,
the null sound device opened only around calls, libHandleEvents(500) while idle
(10 ms while waiting for a call state, to keep the timing honest).

Modes (one Endpoint per process; stdout carries marker lines and JSON lines):
  setup   register; then --calls times: read a line on stdin, call --target, wait
          for CONFIRMED, hang up, print "SAMPLE <makeCall -> CONFIRMED ms>".
  idle    register, print REGISTERED, idle until "quit" on stdin.
  call    register, call --target, print CONFIRMED, stay in the call until "quit",
          print one JSON line with the stream's codec and packet counts.
  callee  register, auto-answer every call with 200 (null audio wired both ways)
          until "quit".
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time

import pjsua2 as pj

CODEC = "G722/16000/1"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Quit:
    """'quit' (or EOF) on stdin, read by a thread blocked in read(): no CPU while idle."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.go: queue.SimpleQueue[str] = queue.SimpleQueue()
        threading.Thread(target=self._read, name="stdin", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            if line.strip() == "quit":
                break
            self.go.put(line)
        self.event.set()
        self.go.put("")

    def __bool__(self) -> bool:
        return self.event.is_set()


class Acc(pj.Account):
    def __init__(self, ua: UA) -> None:
        super().__init__()
        self.ua = ua
        self.reg_code = 0
        self.reg_expires = -1

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.reg_code, self.reg_expires = int(prm.code), int(prm.expiration)

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        call = Call(self.ua, self, int(prm.callId))
        self.ua.calls.append(call)
        self.ua.ep.audDevManager().setNullDev()
        op = pj.CallOpParam(True)
        op.statusCode = 200
        call.answer(op)


class Call(pj.Call):
    def __init__(self, ua: UA, acc: Acc, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(acc, call_id)
        self.ua = ua
        self.confirmed_at = 0.0
        self.ended = False

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        state = self.getInfo().state
        if state == pj.PJSIP_INV_STATE_CONFIRMED and not self.confirmed_at:
            self.confirmed_at = time.perf_counter()
        elif state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.ended = True

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        # keep the CallInfo: iterating ``self.getInfo().media`` walks a vector SWIG has
        # already freed (garbage type/status: the audio was never wired, so this baseline
        # decoded nothing it received and looked cheaper than a softphone is)
        info = self.getInfo()
        for mi in info.media:
            if mi.type == pj.PJMEDIA_TYPE_AUDIO and mi.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                am = self.getAudioMedia(int(mi.index))
                dev = self.ua.ep.audDevManager()
                dev.getCaptureDevMedia().startTransmit(am)
                am.startTransmit(dev.getPlaybackDevMedia())


class UA:
    def __init__(self, registrar: str, user: str) -> None:
        self.ep = pj.Endpoint()
        saved = os.dup(1)  # libCreate prints a banner on fd 1: keep stdout for markers
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        try:
            self.ep.libCreate()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.medConfig.hasIoqueue = False
        cfg.medConfig.threadCnt = 0
        cfg.medConfig.noVad = True
        cfg.medConfig.sndAutoCloseTime = -1  # the device is opened/closed by hand here
        cfg.logConfig.level = cfg.logConfig.consoleLevel = 1
        self.ep.libInit(cfg)
        tc = pj.TransportConfig()
        tc.boundAddress = "127.0.0.1"
        self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
        self.ep.libStart()
        self.ep.audDevManager().setNoDev()
        self.ep.codecSetPriority(CODEC, 254)
        self.calls: list[Call] = []
        ac = pj.AccountConfig()
        ac.idUri = f"sip:{user}@127.0.0.1"
        ac.regConfig.registrarUri = f"sip:{registrar}"
        ac.regConfig.timeoutSec = 300
        ac.sipConfig.proxies.append(f"sip:{registrar};lr")
        ac.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
        self.acc = Acc(self)
        self.acc.create(ac)

    def wait(self, done, timeout_s: float, poll_ms: int = 10) -> bool:
        end = time.monotonic() + timeout_s
        while not done():
            if time.monotonic() > end:
                return False
            self.ep.libHandleEvents(poll_ms)
        return True

    def register(self) -> None:
        if not self.wait(lambda: self.acc.reg_code, 10) or self.acc.reg_code != 200:
            raise SystemExit(f"registration failed: {self.acc.reg_code}")
        say("REGISTERED")

    def dial(self, target: str) -> tuple[Call, float]:
        """Open the null device, makeCall, wait for CONFIRMED; returns (call, ms)."""
        call = Call(self, self.acc)
        self.calls.append(call)
        t0 = time.perf_counter()
        self.ep.audDevManager().setNullDev()  # the engine opens it in the same place
        call.makeCall(target, pj.CallOpParam(True))
        if not self.wait(lambda: call.confirmed_at or call.ended, 10) or not call.confirmed_at:
            raise SystemExit(f"call to {target} not confirmed")
        return call, (call.confirmed_at - t0) * 1000

    def hangup(self, call: Call) -> None:
        if not call.ended:
            call.hangup(pj.CallOpParam(True))
        self.wait(lambda: call.ended, 5)
        self.calls.remove(call)
        if not self.calls:
            self.ep.audDevManager().setNoDev()

    def idle(self, quit_: Quit) -> None:
        while not quit_:
            self.ep.libHandleEvents(500)
            ended = [c for c in self.calls if c.ended]
            for call in ended:  # drop wrappers outside their callbacks
                self.calls.remove(call)
            if ended and not self.calls:
                self.ep.audDevManager().setNoDev()

    def _hangup_all(self) -> None:
        for call in self.calls:
            if not call.ended:
                try:
                    call.hangup(pj.CallOpParam(True))
                except pj.Error:
                    call.ended = True

    def close(self) -> None:
        # No Call reference may outlive libDestroy (not even a loop variable here):
        # a pjsua2 Call destroyed after it aborts the process.
        self._hangup_all()
        self.wait(lambda: all(c.ended for c in self.calls), 2)
        self.calls.clear()
        self.acc.setRegistration(False)
        self.wait(lambda: self.acc.reg_expires == 0 or self.acc.reg_code >= 300, 2)
        self.acc.shutdown()
        self.ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)


def stream_info(call: Call) -> dict[str, object]:
    try:
        info, stat = call.getStreamInfo(0), call.getStreamStat(0)
    except pj.Error as err:  # the call ended early: say so, keep no traceback (Call refs)
        return {"error": str(err.reason)}
    return {
        "codec": f"{info.codecName}/{info.codecClockRate}",
        "rx_packets": int(stat.rtcp.rxStat.pkt),
        "tx_packets": int(stat.rtcp.txStat.pkt),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("setup", "idle", "call", "callee"))
    ap.add_argument("--registrar", required=True, help="host:port")
    ap.add_argument("--user", required=True)
    ap.add_argument("--target", default="")
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()
    quit_ = Quit()
    ua = UA(args.registrar, args.user)
    try:
        run(ua, quit_, args)
    finally:
        ua.close()


def run(ua: UA, quit_: Quit, args: argparse.Namespace) -> None:
    """Every Call reference dies with this frame, before libDestroy: a pjsua2 Call
    destroyed after libDestroy aborts the process (pjsua_call_set_user_data assert)."""
    ua.register()
    if args.mode == "setup":
        for _ in range(args.calls):
            if quit_.go.get().strip() != "go":  # the driver alternates the sides
                break  # "quit" or EOF
            call, ms = ua.dial(args.target)
            ua.hangup(call)
            say(f"SAMPLE {ms:.3f}")
    elif args.mode == "call":
        call, ms = ua.dial(args.target)
        say(f"CONFIRMED {ms:.3f}")
        ua.idle(quit_)
        say(json.dumps(stream_info(call) | {"threads": len(os.listdir("/proc/self/task"))}))
    else:
        ua.idle(quit_)


if __name__ == "__main__":
    main()
