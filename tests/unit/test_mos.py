"""The simplified E-model and its MOS mapping."""

from __future__ import annotations

import pytest

from tuiphone.engine.mos import (
    codec_impairment,
    delay_impairment,
    estimate_mos,
    loss_impairment,
    mos_from_r,
    r_factor,
)
from tuiphone.model.call import CallStats


def test_default_r_maps_to_4_41() -> None:
    assert mos_from_r(93.2) == pytest.approx(4.41, abs=0.005)


@pytest.mark.parametrize(("r", "mos"), [(-5.0, 1.0), (0.0, 1.0), (100.0, 4.5), (130.0, 4.5)])
def test_mos_is_clamped_outside_the_scale(r: float, mos: float) -> None:
    assert mos_from_r(r) == mos


def test_mos_never_dips_under_one_near_zero() -> None:
    assert all(mos_from_r(r / 10) >= 1.0 for r in range(0, 100))


def test_mos_rises_with_r() -> None:
    values = [mos_from_r(float(r)) for r in range(0, 101, 5)]
    assert values == sorted(values)
    assert values[0] < values[-1]


@pytest.mark.parametrize("codec", ["PCMU/8000/1", "pcma", "G722/16000/1", "L16/44100/1"])
def test_perfect_g711_class_link_scores_about_4_4(codec: str) -> None:
    assert mos_from_r(r_factor(codec, 0.0, 0.0, 0.0)) == pytest.approx(4.41, abs=0.01)


def test_delay_knee() -> None:
    assert delay_impairment(100.0) == pytest.approx(2.4)
    assert delay_impairment(177.3) == pytest.approx(0.024 * 177.3)
    below = delay_impairment(177.3) - delay_impairment(167.3)
    above = delay_impairment(187.3) - delay_impairment(177.3)
    assert above == pytest.approx(below + 1.1)


def test_negative_latency_counts_as_zero() -> None:
    assert delay_impairment(-50.0) == 0.0


def test_five_percent_loss_lowers_g711_below_4() -> None:
    clean = mos_from_r(r_factor("pcmu", 20.0, 0.0, 0.0))
    lossy = mos_from_r(r_factor("pcmu", 20.0, 0.0, 5.0))
    assert clean > 4.3
    assert 3.0 < lossy < 4.0


def test_ie_eff_formula_for_g711() -> None:
    assert loss_impairment("pcmu", 5.0) == pytest.approx(95.0 * 5.0 / 30.1)


def test_loss_is_clamped_to_100_percent() -> None:
    assert loss_impairment("gsm", 250.0) == loss_impairment("gsm", 100.0)
    assert loss_impairment("gsm", -3.0) == codec_impairment("gsm").ie


@pytest.mark.parametrize("codec", ["pcmu", "gsm", "ilbc", "speex", "unknown-codec"])
def test_monotonic_in_loss(codec: str) -> None:
    rs = [r_factor(codec, 40.0, 5.0, loss / 2) for loss in range(0, 41)]
    assert all(a > b for a, b in zip(rs, rs[1:], strict=False))


@pytest.mark.parametrize("codec", ["pcma", "g722"])
def test_monotonic_in_latency_and_jitter(codec: str) -> None:
    by_latency = [r_factor(codec, float(ms), 0.0, 1.0) for ms in range(0, 600, 25)]
    by_jitter = [r_factor(codec, 50.0, float(j), 1.0) for j in range(0, 200, 10)]
    assert all(a > b for a, b in zip(by_latency, by_latency[1:], strict=False))
    assert all(a > b for a, b in zip(by_jitter, by_jitter[1:], strict=False))


def test_low_bitrate_codecs_score_below_g711() -> None:
    g711 = r_factor("pcmu", 50.0, 0.0, 0.0)
    assert r_factor("gsm", 50.0, 0.0, 0.0) == pytest.approx(g711 - 20.0)
    assert r_factor("speex", 50.0, 0.0, 0.0) < g711


def test_ilbc_tolerates_loss_better_than_gsm() -> None:
    assert r_factor("iLBC/8000/1", 50.0, 0.0, 10.0) > r_factor("GSM/8000/1", 50.0, 0.0, 10.0)


def test_unknown_codec_gets_cautious_estimate() -> None:
    assert codec_impairment("opus/48000/2").ie > codec_impairment("pcmu").ie


def test_terrible_link_bottoms_out_at_one() -> None:
    assert mos_from_r(r_factor("gsm", 900.0, 300.0, 60.0)) == 1.0


def test_estimate_mos_from_stats() -> None:
    good = CallStats(codec="PCMU/8000/1", rx_packets=1000, rtt_ms=20.0, jitter_buffer_ms=40.0)
    lossy = CallStats(
        codec="PCMU/8000/1", rx_packets=950, rx_lost=50, rtt_ms=20.0, jitter_buffer_ms=40.0
    )
    assert estimate_mos(good) == pytest.approx(4.39, abs=0.02)
    lossy_mos = estimate_mos(lossy)
    assert lossy_mos is not None
    assert lossy_mos < 4.0


def test_estimate_mos_without_packets_is_none() -> None:
    assert estimate_mos(CallStats(codec="PCMU/8000/1")) is None
