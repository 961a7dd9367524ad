"""``--think-time`` per session: each session waits after its own answer, the others go on (real vLLM, tiny model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import bundle_from, run_cli

from claimbench.load.bundles import read_bundle
from claimbench.measurement.multiturn import position, prompt_index

THINK_S = 1.0
SESSIONS, TURNS = 4, 3
ARGS = [
    "--multi-turn",
    str(TURNS),
    "--sessions",
    str(SESSIONS),
    "--think-time",
    str(THINK_S),
    "--prefix-len",
    "16",
    "--input-len",
    "16",
    "--output-len",
    "8",
    "--num-prompts",
    str(SESSIONS * TURNS),
    "--concurrency",
    "2",
    "-q",
]


@pytest.fixture(scope="module")
def offline_think_bundle(tiny_model, runs_dir) -> Path:
    return bundle_from(run_cli("measure", "--engine", "offline", *ARGS, "--out", str(runs_dir / "think-off")))


@pytest.fixture(scope="module")
def serve_think_bundle(tiny_model, runs_dir) -> Path:
    return bundle_from(
        run_cli("measure", "--engine", "serve", *ARGS, "--calibrate", "never", "--out", str(runs_dir / "think-srv"))
    )


def _check_per_session_spacing(bundle: Path) -> None:
    b = read_bundle(bundle)
    reqs = b.requests.filter(~b.requests["warmup"])
    by_index = {prompt_index(r["request_id"]): r for r in reqs.iter_rows(named=True)}
    assert len(by_index) == SESSIONS * TURNS and all(r["ok"] for r in by_index.values())
    answered = {}  # (session, turn) -> (sent_s, done_s)
    for index, r in by_index.items():
        answered[position(index, SESSIONS, TURNS)] = (r["sent_s"], r["done_s"])
    # every later turn waits at least the think time after its own session's previous answer
    for (session, turn), (sent, _) in answered.items():
        if turn:
            assert sent >= answered[(session, turn - 1)][1] + THINK_S - 1e-6, (session, turn)
    # ... while other sessions proceed: some session sends inside another's think time
    overlaps = [
        (a, b)
        for a, (_, done_a) in answered.items()
        for b, (sent_b, _) in answered.items()
        if a[0] != b[0] and done_a < sent_b < done_a + THINK_S
    ]
    assert overlaps
    order = b.manifest["multi_turn"]["ordering"]["0"]
    assert order["sent_before_previous_turn_done"] == 0 and order["gap_s_min"] >= THINK_S - 1e-6


def test_offline_sessions_each_wait_their_own_think_time(offline_think_bundle):
    _check_per_session_spacing(offline_think_bundle)


def test_served_sessions_each_wait_their_own_think_time(serve_think_bundle):
    _check_per_session_spacing(serve_think_bundle)
