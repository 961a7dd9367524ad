"""Intervals of an observed value: request bootstrap, Student-t over repeats, stated precision (pure)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

from claimbench.analyze.metrics import percentile
from claimbench.analyze.reading import _interp, read_at_bound
from claimbench.judge.verdict.types import (
    FEW_REPEATS,
    VerdictConfig,
)
from claimbench.schema.evidence import LoadPoint


# ----------------------------------------------------------------------------------------------
# intervals
# ----------------------------------------------------------------------------------------------
def _stream(cfg: VerdictConfig, key: str) -> np.random.Generator:
    """An independent random stream per evidence record: (seed, stable hash of the record id)."""
    h = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng([cfg.seed, h])


def _t_cdf(t: float, df: int) -> float:
    """Student-t CDF by numerical integration of the density (no SciPy dependency)."""
    if t == 0:
        return 0.5
    x = np.linspace(0.0, abs(t), 4001)
    c = math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
    y = c * (1 + x * x / df) ** (-(df + 1) / 2)
    area = float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)
    return 0.5 + area if t > 0 else 0.5 - area


def _t_quantile(p: float, df: int) -> float:
    lo, hi = 0.0, 1000.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def t_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of ``values`` (n ≥ 2): mean ± t(n−1) · s / √n."""
    arr = np.asarray(values, dtype=float)
    n = arr.size
    if n < 2:
        raise ValueError("a t interval needs at least 2 repeats")
    m = float(arr.mean())
    se = float(arr.std(ddof=1)) / math.sqrt(n)
    q = _t_quantile(1 - (1 - confidence) / 2, n - 1)
    return m - q * se, m + q * se


def _sample_stat(values: np.ndarray, field_name: str, method: str) -> float | None:
    vals = values[~np.isnan(values)]
    if vals.size == 0:
        return None
    stat = field_name.split("_")[1]
    if stat == "mean":
        return float(vals.mean())
    q = {"p50": 50, "p90": 90, "p99": 99}[stat]
    return percentile(vals.tolist(), q, method)


def _replicates(
    used: Sequence[LoadPoint],
    metric: str,
    lat_field: str | None,
    bound: float | None,
    bracket_labels: set[str] | None,
    cfg: VerdictConfig,
    rng: np.random.Generator,
) -> tuple[float, ...] | None:
    """Bootstrap replicates of the read value, resampling requests within each level."""
    if metric not in ("output_tok_per_s",):
        return None
    if any(p.samples is None for p in used):
        return None
    if lat_field is not None and lat_field.split("_")[0] not in ("tpot", "ttft"):
        return None
    arrays = []
    for p in used:
        s = p.samples
        assert s is not None  # returned above when any level has no samples
        out = np.asarray(s.output_tokens, dtype=float)
        lat_src = s.tpot_ms if (lat_field or "").startswith("tpot") else s.ttft_ms
        lat = np.asarray([np.nan if v is None else v for v in lat_src], dtype=float)
        e2el = None
        if s.e2el_ms is not None and len(s.e2el_ms) == out.size and all(v is not None and v > 0 for v in s.e2el_ms):
            e2el = np.asarray(s.e2el_ms, dtype=float)
        arrays.append((p.level or "?", out, lat, s.wall_s, e2el))
    reps = []
    for _ in range(cfg.n_boot):
        levels = []
        for label, out, lat, wall, e2el in arrays:
            idx = rng.integers(0, out.size, out.size)
            if e2el is None:
                thr = float(out[idx].sum() / wall)
            else:  # level throughput x resampled (tokens per request-second) / observed
                thr = float(out.sum() / wall * (out[idx].sum() / e2el[idx].sum()) / (out.sum() / e2el.sum()))
            lv = _sample_stat(lat[idx], lat_field, cfg.percentile_method) if lat_field else None
            levels.append((label, lv, thr))
        if lat_field is None or bound is None:
            reps.append(max(t for _, _, t in levels))
            continue
        known = [(label, lv, thr) for label, lv, thr in levels if lv is not None]
        if not known:
            continue
        if bracket_labels:  # hold the bracket fixed
            pair = sorted((k for k in known if k[0] in bracket_labels), key=lambda x: x[1])
            if len(pair) == 2:
                reps.append(_interp(pair[0][1], pair[0][2], pair[1][1], pair[1][2], bound))
                continue
        reps.append(read_at_bound(known, bound)[0])
    return tuple(reps) if reps else None


def _percentile_interval(reps: Sequence[float], cfg: VerdictConfig) -> tuple[float, float]:
    """The (1 − confidence)/2 and (1 + confidence)/2 percentiles of the replicates, through the one
    percentile definition (:func:`claimbench.analyze.metrics.percentile`, ``cfg.percentile_method``)."""
    a = (1.0 - cfg.confidence) / 2.0
    vals = [float(x) for x in reps]
    return (  # type: ignore[return-value]  # (None, None) when every replicate is NaN; kept as it was
        percentile(vals, 100 * a, cfg.percentile_method),
        percentile(vals, 100 * (1.0 - a), cfg.percentile_method),
    )


def _boot_method(cfg: VerdictConfig, what: str = "requests within each level") -> str:
    return (
        f"percentile bootstrap over {what}, B={cfg.n_boot}, seed={cfg.seed} with an independent stream "
        f"per evidence record, {cfg.confidence:.0%}; level wall time and bracket held fixed"
    )


def _stated(point: LoadPoint, value: float) -> tuple[tuple[float, float] | None, str | None]:
    if point.throughput_pm is None:
        return None, None
    pm = point.throughput_pm
    return (value - pm, value + pm), f"stated precision of the published figure (± {pm:g}, half its last digit)"


def stated_ratio_interval(num: float, num_pm: float, den: float, den_pm: float) -> tuple[float, float]:
    """Worst-case interval of ``num / den`` from each figure's stated ``±``: ``[(n - e_n) / (d + e_d), (n + e_n) /
    (d - e_d)]`` (the ratio form's "interval extremes"; an upper end is infinite when ``d - e_d <= 0``)."""
    hi_den = den - den_pm
    return (num - num_pm) / (den + den_pm), (num + num_pm) / hi_den if hi_den > 0 else math.inf


def sampled_pm(point: LoadPoint, cfg: VerdictConfig, key: str) -> float | None:
    """A measured level's throughput ± from its per-request samples: the larger side of the percentile-bootstrap
    interval around the recorded value (requests resampled within the level, one stream per ``key``), or None."""
    if point.samples is None or point.output_tok_per_s is None:
        return None
    reps = _replicates([point], "output_tok_per_s", None, None, None, cfg, _stream(cfg, key))
    if not reps:
        return None
    lo, hi = _percentile_interval(reps, cfg)
    if lo is None or hi is None:
        return None
    v = point.output_tok_per_s
    return max(v - lo, hi - v, 0.0)


def _repeats_interval(values: Sequence[float], cfg: VerdictConfig) -> tuple[tuple[float, float], str]:
    """Interval of the mean over repeats, valid for their number: a Student-t interval (a
    percentile bootstrap over a handful of repeats is just about [min, max] and far too narrow)."""
    n = len(values)
    ci = t_interval(values, cfg.confidence)
    method = (
        f"Student-t interval of the mean over {n} repeats (df {n - 1}), {cfg.confidence:.0%}: valid for few "
        "repeats under approximate normality, where a percentile bootstrap collapses to about [min, max]"
    )
    if n < FEW_REPEATS:
        method += f"; WARNING: only {n} repeats (< {FEW_REPEATS}): the interval is wide and rests on normality"
    return ci, method


def bootstrap_ratio_interval(
    numerator: Sequence[float], denominator: Sequence[float], cfg: VerdictConfig
) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(numerator)/mean(denominator), resampling each side
    with its own independent stream."""
    n = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    ni = _stream(cfg, "numerator").integers(0, n.size, size=(cfg.n_boot, n.size))
    di = _stream(cfg, "denominator").integers(0, d.size, size=(cfg.n_boot, d.size))
    return _percentile_interval(n[ni].mean(axis=1) / d[di].mean(axis=1), cfg)
