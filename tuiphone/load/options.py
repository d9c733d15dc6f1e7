"""The arguments of ``tuiphone load`` (the CLI's parser adds them; see ``plan``)."""

from __future__ import annotations

import argparse

HELP = "place many test calls at once: a trunk capacity test (ASR, PDD, MOS)"
DESCRIPTION = """Place --calls calls to URI, --rate per second, at most --concurrent at once,
each kept up --duration seconds. Runs ceil(concurrent/4) worker engines (the pjsua2
wheel allows 4 calls per engine), and more when --rate is above 30 per worker (an
engine runs out of sockets at about 55 call starts a second); workers never REGISTER.
Progress goes to stderr; the summary to stdout (--json: one document with every
call); --csv FILE writes a row per call, --csv-stats FILE the counters every
--csv-interval seconds, --junit FILE a JUnit report, --jsonl FILE a JSON line per
call. MOS is the E-model estimate (ITU-T G.107) from loss, jitter, RTT and codec.
Exit 1 when --min-asr or --min-mos is not met, 130 after Ctrl-C (the calls up are
hung up first)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("uri", metavar="URI", help="who to call (a SIP URI, number or user)")
    parser.add_argument("--calls", "-n", type=int, default=10, metavar="N",
                        help="calls to place (default 10)")
    parser.add_argument("--rate", "-r", type=float, default=1.0, metavar="R",
                        help="calls started per second (default 1)")
    parser.add_argument("--concurrent", "-l", type=int, default=4, metavar="C",
                        help="at most C calls at once (default 4; 4 per worker engine)")
    parser.add_argument("--duration", "-d", type=float, default=2.0, metavar="S",
                        help="keep each answered call up S seconds (default 2)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S",
                        help="give each call S seconds to be answered (default 30)")
    parser.add_argument("--play", metavar="WAV", help="play this WAV file into every call")
    parser.add_argument("--account", action="append", metavar="ID", default=argparse.SUPPRESS,
                        help="account to call from; repeat it to use several in turn")
    parser.add_argument("--csv", metavar="FILE", help="write one row per call to FILE")
    parser.add_argument("--csv-stats", metavar="FILE",
                        help="write the run's counters to FILE every --csv-interval seconds")
    parser.add_argument("--csv-interval", type=float, default=1.0, metavar="S",
                        help="seconds between --csv-stats rows (default 1)")
    parser.add_argument("--junit", metavar="FILE",
                        help="write a JUnit XML report: a test case per check and per call")
    parser.add_argument("--jsonl", metavar="FILE",
                        help="append a JSON line per call (voip_patrol's result format)")
    parser.add_argument("--min-asr", type=float, metavar="PCT",
                        help="exit 1 if the answer-seizure ratio is below PCT percent")
    parser.add_argument("--min-mos", type=float, metavar="X",
                        help="exit 1 if the mean MOS of the answered calls is below X")
    parser.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                        help="config file (default: $TUIPHONE_CONFIG or the XDG path)")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON document; progress as JSON lines on stderr")
