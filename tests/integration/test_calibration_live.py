"""Client calibration: the ceiling logic and the warning are pure; one small live calibration

The tests that start a process, a server or git; the pure ones stay in tests/unit/test_calibration.py.
"""

from claimbench.measurement.calibration import calibrate_client


def test_a_small_live_calibration_has_the_documented_shape():
    cal = calibrate_client(streams=(1, 4), gap_ms=5, ttft_ms=10, output_len=8, rounds=1, stop_when_client_fails=False)
    assert set(cal) >= {
        "schema",
        "client",
        "settings",
        "host",
        "levels",
        "ceiling",
        "per_worker",
        "created",
        "duration_s",
    }
    assert cal["per_worker"]["processes"] == 1 and cal["per_worker"]["streams"] == cal["ceiling"]["streams"]
    assert [x["streams"] for x in cal["levels"]] == [1, 4]
    for x in cal["levels"]:
        assert x["n_ok"] == x["n_requests"] and x["n_matched"] == x["n_ok"]
        assert x["tpot_err_ms"]["p50"] is not None and x["send_ms"]["p50"] is not None
        # loose sanity bound only (timing targets live in benchmarks/, not in unit tests)
        assert abs(x["ttft_err_ms"]["p50"]) < 50
    assert cal["ceiling"]["tested_max_streams"] == 4 and cal["host"]["logical_cores"] >= 1
