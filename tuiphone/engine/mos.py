"""Call quality estimate: the simplified E-model (ITU-T G.107) and its MOS mapping.

Only the network-dependent terms are modelled, as VoIP monitors commonly do:
``R = 93.2 - Id - Ie,eff`` with default values for everything else (no echo, no
advantage factor). Pure functions, safe on any thread.

Codec figures (Ie: equipment impairment, Bpl: packet-loss robustness, random loss):

- PCMU/PCMA, L16: Ie 0, Bpl 25.1 — ITU-T G.113 Appendix I, G.711 with packet-loss
  concealment (pjmedia runs PLC for codecs that lack their own).
- GSM 06.10 full rate: Ie 20 from G.113 Appendix I; Bpl 10 is an estimate (G.113 gives
  no figure; the GSM-EFR value is used).
- G.722: scored on the narrowband scale with the G.711 values. G.107 cannot reward
  wideband speech; the wideband E-model (G.107.1) is not implemented.
- iLBC (Ie 11, Bpl 32) and Speex narrowband (Ie 11, Bpl 19): estimates, not G.113
  values; Speex is placed next to G.729A, iLBC gets a higher Bpl for its
  frame-independent coding.
- Anything else: Ie 11, Bpl 19, the same cautious estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.model.call import CallStats

# G.107 default transmission rating with every non-network parameter at its default.
R_DEFAULT = 93.2
# One-way delay where the delay impairment starts to grow faster (G.107 simplified Id).
DELAY_KNEE_MS = 177.3


@dataclass(frozen=True, slots=True)
class CodecImpairment:
    ie: float  # equipment impairment with no loss
    bpl: float  # packet-loss robustness: higher means loss hurts less


_G711 = CodecImpairment(ie=0.0, bpl=25.1)
_UNKNOWN = CodecImpairment(ie=11.0, bpl=19.0)
CODECS: dict[str, CodecImpairment] = {
    "pcmu": _G711,
    "pcma": _G711,
    "l16": _G711,
    "g722": _G711,
    "gsm": CodecImpairment(ie=20.0, bpl=10.0),
    "ilbc": CodecImpairment(ie=11.0, bpl=32.0),
    "speex": CodecImpairment(ie=11.0, bpl=19.0),
}


def codec_impairment(codec: str) -> CodecImpairment:
    """The figures for a codec name as pjsua2 reports it ("PCMU/8000/1", "speex/16000").

    Unknown codecs get a cautious estimate rather than an error.
    """
    name = codec.strip().lower().split("/", 1)[0]
    return CODECS.get(name, _UNKNOWN)


def delay_impairment(latency_ms: float) -> float:
    """Id for a one-way mouth-to-ear delay in milliseconds (negative counts as 0)."""
    d = max(0.0, latency_ms)
    return 0.024 * d + 0.11 * max(0.0, d - DELAY_KNEE_MS)


def loss_impairment(codec: str, loss_pct: float) -> float:
    """Ie,eff for random packet loss ``loss_pct`` (0–100; out-of-range values are clamped)."""
    imp = codec_impairment(codec)
    ppl = min(100.0, max(0.0, loss_pct))
    return imp.ie + (95.0 - imp.ie) * ppl / (ppl + imp.bpl)


def r_factor(codec: str, latency_ms: float, jitter_ms: float, loss_pct: float) -> float:
    """Transmission rating R (may fall below 0 on a terrible link; never above 93.2).

    ``latency_ms`` is one-way (about rtt/2 plus the jitter buffer). Jitter that the
    buffer does not absorb behaves like extra delay, so twice ``jitter_ms`` is added,
    the allowance VoIP monitors commonly make.
    """
    effective = max(0.0, latency_ms) + 2.0 * max(0.0, jitter_ms)
    return R_DEFAULT - delay_impairment(effective) - loss_impairment(codec, loss_pct)


def mos_from_r(r: float) -> float:
    """MOS-CQE from R with the G.107 cubic; 1.0 for R <= 0 and 4.5 for R >= 100."""
    if r <= 0.0:
        return 1.0
    if r >= 100.0:
        return 4.5
    mos = 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6
    # The cubic dips just under 1 for R below about 6.5.
    return min(4.5, max(1.0, mos))


def estimate_mos(stats: CallStats) -> float | None:
    """MOS for a call's current RTP statistics, or None before any packet was expected.

    Loss is ``rx_lost`` over packets expected (received plus lost); one-way latency
    is half the RTT plus the jitter buffer delay.
    """
    expected = stats.rx_packets + stats.rx_lost
    if expected <= 0:
        return None
    loss_pct = 100.0 * stats.rx_lost / expected
    latency = stats.rtt_ms / 2.0 + stats.jitter_buffer_ms
    r = r_factor(stats.codec, latency, stats.rx_jitter_ms, loss_pct)
    return round(mos_from_r(r), 2)
