"""Speed work for verify on 10,000 claim files, without changing an answer: the one percentile
definition skips every kind of NaN, and the verdict records are built only when asked for."""

import math

import numpy as np
import polars as pl

from claimbench.analyze.metrics import percentile
from claimbench.report.steps import VerifyResult


def test_the_percentile_skips_none_and_every_kind_of_nan_and_interpolates_what_is_left():
    values = [3.0, None, float("nan"), np.float64("nan"), np.float32("nan"), 1.0, 2, np.float64(4.0)]
    assert percentile(values, 50) == 2.5  # of 1, 2, 3, 4: halfway between 2 and 3
    assert percentile(values, 100, "nearest_rank") == 4.0
    assert percentile([None, math.nan], 50) is None


def test_the_verdict_records_of_a_verify_result_are_built_on_first_use_only():
    result = VerifyResult(table=pl.DataFrame())
    assert result._json is None  # nothing built by the constructor (verify without --json/--out)
    assert result.verdicts_json == [] and result._json == []
