"""Client calibration: the ceiling logic and the warning are pure; one small live calibration."""

from claimbench.measurement.calibration import ceiling_of, ceiling_warning, level_within


def lv(streams, ttft=0.3, tpot=0.01, recv=0.2, rel=0.0, late50=0.2, late99=1.0, cps=None, send=0.2):
    d = {
        "streams": streams,
        "n_ok": 10,
        "n_requests": 10,
        "chunks_per_s": cps or streams * 20.0,
        "ttft_err_ms": {"p50": ttft},
        "tpot_err_ms": {"p50": tpot},
        "recv_ms": {"p50": recv},
        "send_ms": {"p50": send},
        "throughput": {"rel_err": rel},
        "server": {"lateness_ms": {"p50": late50, "p99": late99}},
    }
    from claimbench.measurement.calibration import server_held

    d["server_held"] = server_held(d)
    d["within"] = level_within(d)
    return d


def test_ceiling_is_the_last_level_within_before_the_client_or_server_gives_out():
    c = ceiling_of([lv(1), lv(32), lv(128, ttft=1.5), lv(256)])
    assert c == {"streams": 32, "chunks_per_s": 640.0, "limited_by": "client", "tested_max_streams": 256}
    c = ceiling_of([lv(1), lv(32), lv(128, late50=3.0)])
    assert c["streams"] == 32 and c["limited_by"] == "server"
    # a level the server did not hold is skipped, not a failure
    c = ceiling_of([lv(1, late99=20.0), lv(32), lv(128, ttft=4.0, recv=0.3, send=3.5)])
    assert c["streams"] == 32 and c["limited_by"] == "send_side"
    c = ceiling_of([lv(1), lv(32)])
    assert c["streams"] == 32 and c["limited_by"] == "untested_beyond"
    assert ceiling_of([lv(1, rel=0.02)])["streams"] is None


def test_ceiling_warning_is_none_far_below_and_speaks_near_and_past_it():
    cal = {
        "ceiling": {"streams": 128, "chunks_per_s": 2560.0, "limited_by": "server"},
        "settings": {"max_error_ms": 1.0},
    }
    assert ceiling_warning({"level": 0, "concurrency": 8, "output_tok_per_s": 100.0}, cal) is None
    w = ceiling_warning({"level": 2, "concurrency": 110, "output_tok_per_s": 100.0}, cal)
    assert w.startswith("level 2: concurrency 110 is near") and "reference server gave out" in w
    w = ceiling_warning({"level": 3, "concurrency": 8, "output_tok_per_s": 5000.0}, cal)
    assert "5,000 tok/s is above the calibrated chunk rate" in w
    assert ceiling_warning({"concurrency": 999}, None) is None
    none = {"ceiling": {"streams": None}, "settings": {"max_error_ms": 1.0}}
    assert "no stream count" in ceiling_warning({"concurrency": 1}, none)


def test_with_n_workers_the_warning_compares_each_workers_share_with_the_per_worker_ceiling():
    cal = {
        "ceiling": {"streams": 128, "chunks_per_s": 2560.0, "limited_by": "client"},
        "per_worker": {"streams": 128, "chunks_per_s": 2560.0, "limited_by": "client", "processes": 1},
        "settings": {"max_error_ms": 1.0},
    }
    row = {"level": 1, "concurrency": 400, "output_tok_per_s": 8000.0}
    assert "past the client's calibrated ceiling" in ceiling_warning(row, cal)  # one process: 400 > 128
    assert ceiling_warning(row, cal, workers=4) is None  # 100 streams and 2,000 chunks/s each: below 0.8 x
    w = ceiling_warning({"level": 1, "concurrency": 480, "output_tok_per_s": 100.0}, cal, workers=4)
    assert "concurrency 120 per worker is near" in w and "shared by 4 workers" in w


def test_the_capacity_record_multiplies_the_per_worker_ceiling_by_the_workers():
    from claimbench.measurement.calibration import ceiling_line, client_capacity

    cal = {"ceiling": {"streams": 256, "chunks_per_s": 5000.0, "limited_by": "server"}, "client": {"processes": 1}}
    cap = client_capacity(cal, 3, "uvloop")
    assert cap["ceiling_per_worker"] == {"streams": 256, "chunks_per_s": 5000.0, "limited_by": "server"}
    assert cap["ceiling_all_workers"]["streams"] == 768 and cap["ceiling_all_workers"]["chunks_per_s"] == 15000.0
    assert cap["workers"] == 3 and cap["event_loop"] == "uvloop" and cap["json_decoder"].startswith("msgspec")
    assert "rawhttp" in cap["http_transport"]
    assert client_capacity(None, 1, "asyncio")["ceiling_per_worker"] is None
    assert "3 workers: 768 streams, 15,000 chunks/s" in ceiling_line(cal, 3)
