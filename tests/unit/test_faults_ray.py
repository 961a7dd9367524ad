"""Fault suite, Ray client workers (pure: a stand-in pool, no Ray started). Any Ray failure — a dead
runtime agent or raylet (GetTimeoutError), a dead actor — is a worker failure: printed on the
console, handled as --on-worker-failure says, and a run that lost a worker is never "complete"."""

import pytest
from test_faults_durable import FakeEngine, config

from claimbench.load.bundles import find_bundles, read_bundle
from claimbench.measurement.client import ClientConfig
from claimbench.measurement.engines.http import HttpEngine, HttpEngineConfig
from claimbench.measurement.runner import EngineDied, run_measurement
from claimbench.schema.records import LoadLevel


class GetTimeoutError(TimeoutError):
    """Stands for ray.exceptions.GetTimeoutError (a dead runtime agent: actors never start)."""


class StandInPool:
    """A WorkerPool's surface: ``run_level`` raises ``error`` or records ``failure`` entries."""

    def __init__(self, error=None, failure=None):
        self.error, self.failure, self.failures = error, failure, []

    def run_level(self, *args, **kwargs):
        if self.failure is not None:
            self.failures.append(self.failure)
        if self.error is not None:
            raise self.error

    def describe(self):
        return {"failures": self.failures}

    def close(self):
        pass


def _engine(pool, on_failure="continue") -> HttpEngine:
    e = HttpEngine(HttpEngineConfig(on_worker_failure=on_failure), model="m", base_url="http://127.0.0.1:9")
    e.client = ClientConfig(base_url="http://127.0.0.1:9", model="m")
    e._pool = pool
    e._healthy = lambda: True  # the server answers; only the workers fail
    return e


DEAD = {
    "level": 0,
    "warmup": False,
    "worker": 1,
    "host": "h",
    "reason": "RayActorError: the actor died unexpectedly",
    "in_flight_failed": 2,
    "not_sent": 3,
}


def test_a_ray_timeout_from_a_dead_agent_is_a_worker_failure_not_a_traceback():
    e = _engine(StandInPool(error=GetTimeoutError("Get timed out: some object(s) not ready.")))
    with pytest.raises(EngineDied) as err:
        e.run_level(LoadLevel(0, concurrency=2), [], 0.0, [])
    assert str(err.value) == (
        "Ray client workers failed during level 0: GetTimeoutError: Get timed out: some object(s) not ready."
    )


def test_a_killed_worker_is_printed_on_the_console_and_the_run_is_incomplete(capsys):
    e = _engine(StandInPool(failure=DEAD))
    e.run_level(LoadLevel(0, concurrency=2), [], 0.0, [])  # continue: the level goes on
    err = capsys.readouterr().err
    assert "claimbench: warning: client worker 1 on h died during level 0: RayActorError" in err
    assert "(2 requests failed, 3 not sent); --on-worker-failure continue: the level goes on without it" in err
    reason = e.incomplete_reason()
    assert reason is not None and reason.startswith("client worker 1 on h died during level 0")
    assert "2 requests failed and 3 were not sent" in reason


def test_a_worker_that_died_in_warmup_only_does_not_make_the_run_incomplete():
    e = _engine(StandInPool(failure={**DEAD, "warmup": True}))
    e.run_level(LoadLevel(0, concurrency=2), [], 0.0, [], warmup=True)
    assert e.incomplete_reason() is None


class LosesAWorker(FakeEngine):
    def incomplete_reason(self):
        return "client worker 1 on h died during level 1 (RayActorError)"


def test_the_runner_marks_a_sweep_that_lost_a_worker_incomplete_and_keeps_every_level(tmp_path):
    bundle = run_measurement(config(tmp_path), LosesAWorker(), {})
    b = read_bundle(bundle)
    assert b.manifest["status"] == "incomplete" and "client worker 1" in b.manifest["status_reason"]
    assert b.manifest["levels_completed"] == [0, 1, 2] and find_bundles([tmp_path]) == [bundle]


def test_measure_exits_1_for_an_incomplete_run():
    from claimbench.cli.measure import exit_status

    assert exit_status("incomplete", 10) == 1 and exit_status("complete", 10) == 0
    assert exit_status("interrupted", 10) == 130


def _pool_after_a_level(alive: list[bool], on_failure: str = "continue"):
    from claimbench.measurement.workers import WorkerPool

    pool = WorkerPool.__new__(WorkerPool)  # its state after a level, no Ray
    pool._actors = [object() if a else None for a in alive]
    pool.on_failure = on_failure
    return pool


def test_a_level_where_every_worker_with_a_share_died_is_lost_even_with_continue():
    from claimbench.measurement.workers import WorkerFailed

    pool = _pool_after_a_level([False, False])
    with pytest.raises(WorkerFailed, match=r"every client worker died during level 1 .* the level is lost; first: "):
        pool._raise_if_level_lost(LoadLevel(1, concurrency=2), [DEAD, {**DEAD, "worker": 0}], [0, 1])


def test_a_worker_without_a_share_does_not_save_a_level_whose_only_worker_died():
    from claimbench.measurement.workers import WorkerFailed

    pool = _pool_after_a_level([False, True])  # concurrency 1: worker 1 had no share
    with pytest.raises(WorkerFailed, match="every client worker died during level 0"):
        pool._raise_if_level_lost(LoadLevel(0, concurrency=1), [{**DEAD, "worker": 0}], [0])


def test_with_continue_a_level_that_kept_a_worker_goes_on_and_with_stop_it_ends():
    from claimbench.measurement.workers import WorkerFailed

    _pool_after_a_level([True, False])._raise_if_level_lost(LoadLevel(0, concurrency=2), [DEAD], [0, 1])
    _pool_after_a_level([True, True])._raise_if_level_lost(LoadLevel(0, concurrency=2), [], [0, 1])
    with pytest.raises(WorkerFailed, match="^client worker 1 on h died during level 0: RayActorError"):
        _pool_after_a_level([True, False], "stop")._raise_if_level_lost(LoadLevel(0, concurrency=2), [DEAD], [0, 1])


def test_a_ray_cluster_that_cannot_be_joined_is_one_line_naming_the_option_and_the_token_hint():
    from claimbench.measurement.workers import _join_error

    try:
        try:
            raise RuntimeError("RPC error: InvalidAuthToken: Authentication token is missing or incorrect.")
        except RuntimeError as cause:
            raise ConnectionError("Failed to connect to Ray cluster at 127.0.0.1:6379") from cause
    except ConnectionError as exc:
        err = _join_error("ray://alice:pw@127.0.0.1:6379", exc)
    assert str(err) == (
        "--ray-address ray://127.0.0.1:6379: cannot join the Ray cluster: Failed to connect to Ray cluster at "
        "127.0.0.1:6379 (the cluster uses token authentication: set RAY_AUTH_MODE=token, with its token in "
        "~/.ray/auth_token or RAY_AUTH_TOKEN)"
    )
    plain = _join_error("127.0.0.1:1", ConnectionError("Failed to connect to Ray cluster at 127.0.0.1:1"))
    assert str(plain).endswith("at 127.0.0.1:1") and "\n" not in str(plain)
