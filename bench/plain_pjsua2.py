"""Baseline: a plain pjsua2 endpoint with default media settings, polled every
``--poll`` ms on the main thread, one direct account. Prints one JSON line with
idle_cpu_pct over ``--window`` seconds (same method as sip_bench.py)."""

from __future__ import annotations

import argparse
import json
import os
import time

import pjsua2 as pj


def cpu_ns() -> int:
    total = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            continue
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--window", type=float, default=10.0)
    ap.add_argument("--poll", type=int, default=10)
    args = ap.parse_args()
    ep = pj.Endpoint()
    ep.libCreate()  # prints a banner on stdout; the JSON line is the one starting with '{'
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.logConfig.level = cfg.logConfig.consoleLevel = 1
    ep.libInit(cfg)
    tc = pj.TransportConfig()
    tc.boundAddress = "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
    ep.libStart()
    ep.audDevManager().setNullDev()
    ac = pj.AccountConfig()
    ac.idUri = "sip:plain@127.0.0.1"
    acc = pj.Account()
    acc.create(ac)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        ep.libHandleEvents(args.poll)
    c0, t0 = cpu_ns(), time.monotonic()
    while time.monotonic() - t0 < args.window:
        ep.libHandleEvents(args.poll)
    pct = (cpu_ns() - c0) / ((time.monotonic() - t0) * 1e9) * 100
    print(
        json.dumps(
            {
                "name": "plain_idle_cpu_pct",
                "variant": f"poll{args.poll}",
                "value": round(pct, 4),
                "unit": "%",
                "window_s": args.window,
                "threads": len(os.listdir("/proc/self/task")),
            }
        )
    )
    del acc
    ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)


if __name__ == "__main__":
    main()
