"""RTP statistics of a call's first audio stream (pjsip thread)."""

from __future__ import annotations

import pjsua2 as pj

from tuiphone.model.call import CallStats
from tuiphone.model.errors import UsageError
from tuiphone.sip.callinfo import srtp_suite


def call_stats(call: pj.Call, media_index: int = 0) -> CallStats:
    """Read codec, RTCP and jitter-buffer figures. Raises UsageError without media.

    ``mos`` stays None: the engine computes it from these figures.
    """
    try:
        info = call.getStreamInfo(media_index)
        stat = call.getStreamStat(media_index)
        dump = str(call.dump(True, ""))
        transport = call.getMedTransportInfo(media_index)
    except pj.Error as err:
        raise UsageError(f"no media statistics for this call ({err.reason})") from None
    rtcp = stat.rtcp
    return CallStats(
        codec=str(info.codecName),
        clock_rate=int(info.codecClockRate),
        rx_packets=int(rtcp.rxStat.pkt),
        rx_lost=int(rtcp.rxStat.loss),
        rx_jitter_ms=float(rtcp.rxStat.jitterUsec.mean) / 1000.0,
        tx_packets=int(rtcp.txStat.pkt),
        rtt_ms=float(rtcp.rttUsec.mean) / 1000.0,
        jitter_buffer_ms=float(stat.jbuf.avgDelayMsec),
        srtp=srtp_suite(dump),
        local_rtp=str(getattr(call, "local_rtp", "")),
        remote_rtp=str(info.remoteRtpAddress),
        rtp_source=_address(str(transport.srcRtpName)),
    )


def _address(name: str) -> str:
    """pjsua's "no address yet" forms become ""."""
    return "" if not name or name.startswith(("0.0.0.0", "[::]", ":")) else name
