"""A measured run: start an engine, run the load plan, write one run bundle.

Whatever happens mid-sweep (the engine or server dies, a request times out, Ctrl-C), what was
measured is written: failed requests are rows with their error, and the manifest's ``status``
says whether the sweep completed (``complete``), ended early (``incomplete``) or was interrupted.
Each completed level is made durable as it ends (:class:`~claimbench.measurement.store.BundleJournal`),
and the finished rows of the level in flight are spooled into the journal as they end
(:class:`~claimbench.measurement.spool.RecordSpool`, a part at least every :data:`SPOOL_FLUSH_S`), so
a SIGKILL or an OOM kill loses only the requests in flight and the last seconds of finished rows;
the partial bundle names that level (``level_in_flight``) and its rows are read as a partial level.

The runner holds a request's record only while it is in flight (:class:`~claimbench.measurement.sweeprows.SweepRows`):
the summary is computed from the level's parts (:func:`~claimbench.analyze.streaming.summarize_batches`),
the audits from tallies kept as rows arrive, and the journal's whole-level part and the bundle's
``requests.parquet`` are streamed from the parts, so a run's memory does not grow with its length.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from claimbench.analyze import metrics
from claimbench.analyze.streaming import summarize_batches
from claimbench.errors import UserError
from claimbench.measurement.multiturn import hit_rate, prefix_cache_counters
from claimbench.measurement.progress import Progress, ProgressHook
from claimbench.measurement.spool import DEFAULT_BATCH_ROWS
from claimbench.measurement.store import BundleJournal, monotonic, new_run_id, requests_frame, utc_now_iso
from claimbench.measurement.sweeprows import LevelTally, SweepRows
from claimbench.measurement.workload import WorkloadSpec, make_prompts, prompt_set_sha256
from claimbench.schema.manifest import MANIFEST_SCHEMA_VERSION, RunManifest, RunStatus
from claimbench.schema.records import LoadLevel, RequestRecord
from claimbench.version import __version__

SPOOL_FLUSH_S = 2.0
"""The level in flight's finished rows reach the journal at least this often (a parquet part each time)."""
SPOOL_BATCH_ROWS = DEFAULT_BATCH_ROWS
"""Rows per spooled part at most (the spool's buffer, and the batch a level is read back in)."""


class EngineDied(RuntimeError):
    """The engine or server stopped answering; the sweep ends with what was measured."""


class Engine(Protocol):
    """What the runner needs of an engine (offline vLLM, ``vllm serve``, an endpoint)."""

    name: str
    max_model_len: int | None

    def start(self) -> None:
        """Start the engine (or check the endpoint); a UserError when it cannot."""
        ...

    def stop(self) -> None:
        """Stop the engine and release what it holds."""
        ...

    def vocab_size(self) -> int | None:
        """The model's vocabulary size when the engine knows it."""
        ...

    def describe(self) -> dict[str, Any]:
        """What ran, for the manifest's ``engine`` section."""
        ...

    def run_level(
        self,
        level: LoadLevel,
        prompts,
        run_t0: float,
        records: list[RequestRecord],
        warmup: bool = False,
        seed: int = 0,
        request_timeout_s: float | None = None,
        on_request_done=None,
    ) -> None:
        """Run one level, appending a record per request to ``records``."""
        ...


@dataclass
class MeasureConfig:
    """Everything one measured run needs besides the engine."""

    model: str
    model_source: str  # what the user passed (e.g. "tiny")
    workload: WorkloadSpec  # vocab_size may be refined from the engine
    levels: list[LoadLevel]
    out_dir: Path
    slos: dict[str, float] = field(default_factory=dict)
    percentile_method: str = "linear"
    request_timeout_s: float | None = None
    dtype: str | None = None
    extra_manifest: dict[str, Any] = field(default_factory=dict)
    redact: list[str] = field(default_factory=list)
    vocab_size_given: bool = False  # --vocab-size was passed: keep it even if the engine knows better
    energy: bool = True  # sample device energy per level where the platform allows
    search: Any = None  # slo_search.SLO: find the max throughput under it instead of fixed levels
    search_max_levels: int = 6
    search_max_concurrency: int = 1024
    calibrate: Any = None  # () -> client calibration dict, called once the engine is reachable
    prompt_source: Any = None  # datasets.DatasetSource (or any .make(count, stream)); None: synthetic from workload
    fidelity: Any = None  # fidelity.FidelityOptions: compare served outputs with a reference run after the sweep


def levels_frame(levels: list[LoadLevel]) -> pl.DataFrame:
    """The load plan's levels as a frame (level, concurrency, request_rate)."""
    return pl.DataFrame(
        {
            "level": [lv.level for lv in levels],
            "concurrency": [lv.concurrency for lv in levels],
            "request_rate": [lv.request_rate for lv in levels],
        },
        schema={"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64},
    )


def run_measurement(
    cfg: MeasureConfig, engine: Engine, fingerprint: dict[str, Any], progress: ProgressHook | None = None
) -> Path:
    """Run the sweep and write the bundle; returns the bundle folder.

    Engine start failures and impossible workloads raise :class:`UserError` before anything is
    measured. Failures after that end up in the bundle.
    """
    return _Sweep(cfg, engine, fingerprint, progress or Progress(enabled=False)).run()


class _Sweep:
    """The state of one measured run: records, completed levels, energy, the journal.

    :meth:`run` starts the engine, runs the levels (or the SLO search), makes each completed level
    durable in the journal as it ends, and finalizes the bundle whatever happened.
    """

    def __init__(self, cfg: MeasureConfig, engine: Engine, fingerprint: dict[str, Any], progress: ProgressHook):
        self.cfg, self.engine, self.fingerprint, self.progress = cfg, engine, fingerprint, progress
        self.run_id = new_run_id()
        self.created = utc_now_iso()
        self.journal = BundleJournal(cfg.out_dir, self.run_id, cfg.redact)
        self.journal_notes: list[str] = []
        self.calibration: dict[str, Any] | None = None
        self.spec = cfg.workload
        self.rows: SweepRows | None = None  # the run's rows: held while in flight, then in the journal's parts
        self.search_result: Any = None
        self.energy: dict[int, dict[str, Any]] = {}
        self.requested_lengths: dict[int, float | None] = {}
        self.prefix_cache: dict[int, dict[str, Any]] = {}
        self.fidelity: dict[str, Any] | None = None
        self.completed: list[int] = []
        self.levels_run: list[LoadLevel] = []
        self.prompts: Any = None
        self.run_t0 = 0.0
        self.in_flight: int | None = None  # the level being measured (named in the journal's manifest)
        self.journal_summary: pl.DataFrame | None = None  # the summary last written into the journal
        self.level_summary: dict[int, pl.DataFrame] = {}  # a completed level's metrics.summarize row, from its parts
        self.level_source: dict[int, dict[str, Any]] = {}  # a completed level's prompt-source manifest
        self.mark: tuple[str, float] | None = None  # (error, end_s) the run's end gives unfinished rows

    # ------------------------------------------------------------------ the run
    def run(self) -> Path:
        engine = self.engine
        self.progress.phase(f"engine start-up ({type(engine).__name__})")
        try:
            engine.start()
        finally:
            self.progress.phase_done(ok=sys.exc_info()[0] is None)
        try:
            self._prepare()
            status, status_reason = self._measure()
            lost = getattr(engine, "incomplete_reason", lambda: None)()  # e.g. a client worker died
            if status == "complete" and lost:
                status, status_reason = "incomplete", lost
            # rows neither ok nor failed (cut mid-request) are marked as they are read back (sweeprows.marked)
            self.mark = (f"not completed: run {status}", monotonic() - self.run_t0)
            served = self._fidelity_sample() if status != "interrupted" else None
        finally:
            self.progress.end_level()  # no-op when the level ended normally
            engine.stop()
            self._close_spool()
        if served is not None:
            self._fidelity_reference(served)
        summary = self.summary_of(self.levels_run)
        manifest = self.manifest_for(status, status_reason, summary)
        from claimbench.measurement import logcapture

        extra_files = {**getattr(engine, "bundle_files", lambda: {})(), **logcapture.bundle_files()}
        # streamed from the journal's parts into the bundle (which replaces the journal)
        req = self.rows.lazy_all(self._levels_with_rows(), self.mark) if self.rows else requests_frame([])
        return self.journal.finalize(manifest, req, summary, extra_files=extra_files)

    def _levels_with_rows(self) -> list[int]:
        """The levels run, in order (each once), that can hold rows."""
        return list(dict.fromkeys(lv.level for lv in self.levels_run))

    def _close_spool(self) -> None:
        """End the spool's writer (its parts are in the journal, which the final bundle replaces)."""
        if self.rows is not None:
            self.rows.close()

    def _prepare(self) -> None:
        """Calibrate the client, fit the workload to the engine, draw the prompts, open the journal."""
        cfg = self.cfg
        self.calibration = cfg.calibrate() if cfg.calibrate else None
        vocab = self.engine.vocab_size()
        if vocab and vocab != self.spec.vocab_size and not cfg.vocab_size_given:
            self.spec = WorkloadSpec(**{**self.spec.__dict__, "vocab_size": vocab})
        self.spec.validate(self.engine.max_model_len)
        self.prompts = self._make_prompts(self.spec.num_prompts)
        try:
            self.journal.open(self.manifest_for("partial", "measuring: no level completed yet", self.summary_of([])))
        except OSError as exc:
            raise UserError(f"--out: cannot write into {cfg.out_dir}: {exc.strerror or exc}") from None
        self.rows = SweepRows(
            self.journal.path, redact=cfg.redact, flush_every_s=SPOOL_FLUSH_S, batch_rows=SPOOL_BATCH_ROWS
        )

    def _measure(self) -> tuple[RunStatus, str | None]:
        """The fixed levels or the SLO search; (status, reason) of how the sweep ended."""
        cfg = self.cfg
        self.run_t0 = monotonic()
        try:
            if cfg.search is None:
                for level in cfg.levels:
                    self.run_one(level)
            else:
                from claimbench.analyze.slo_search import find_max_under_slo

                self.search_result = find_max_under_slo(
                    self.run_at,
                    cfg.search,
                    max_levels=cfg.search_max_levels,
                    max_concurrency=cfg.search_max_concurrency,
                )
        except EngineDied as exc:
            return "incomplete", f"engine died during level {len(self.completed)}: {str(exc)[:300]}"
        except KeyboardInterrupt:
            return "interrupted", f"interrupted by the user during level {len(self.completed)}"
        return "complete", None

    def _fidelity_sample(self) -> Any:
        """The measured engine's outputs on the first prompts (``--fidelity``), or None; a failure is recorded."""
        opts = self.cfg.fidelity
        if opts is None or self.prompts is None:
            return None
        from claimbench.measurement.fidelity import sample_engine

        prompts = list(self.prompts[: min(opts.prompts, len(self.prompts))])
        try:
            return prompts, sample_engine(self.engine, prompts, opts, self.spec.seed)
        except Exception as exc:  # what was measured is kept; the fidelity says why it is missing
            self.fidelity = {"error": f"served sample failed: {type(exc).__name__}: {str(exc)[:300]}"}
            return None

    def _fidelity_reference(self, served: Any) -> None:
        """The reference run (after the measured engine stopped) and the comparison, into ``self.fidelity``."""
        from claimbench.measurement.fidelity import fidelity_record, reference_sample

        prompts, sample = served
        cfg = self.cfg
        try:
            ref = reference_sample(cfg.model, cfg.fidelity, prompts, self.spec.seed, self.engine.max_model_len)
            self.fidelity = fidelity_record(sample, ref, cfg.fidelity, cfg.model_source, cfg.dtype)
        except Exception as exc:  # the run's measurements stay; the fidelity is marked failed
            self.fidelity = {"error": f"reference run failed: {type(exc).__name__}: {str(exc)[:300]}"}
        except KeyboardInterrupt:  # the sweep is over: finalize the bundle without the comparison
            self.fidelity = {"error": "reference run interrupted by the user"}

    def _run_waves(self, level: LoadLevel, prompts: Any) -> None:
        """Run a level's prompts in the batches (with pauses) the prompt source gives; multi-turn think time gives
        one batch carrying a per-session schedule the engines send by (:class:`~.multiturn.SessionSchedule`)."""
        waves = getattr(self.cfg.prompt_source, "waves", None)
        if not callable(waves):
            self._run_level(level, prompts)
            return
        import time

        for i, (pause_s, wave) in enumerate(waves(prompts)):
            if i and pause_s:
                time.sleep(pause_s)
            self._run_level(level, wave)

    def _make_prompts(self, count: int, stream: int = 0) -> Any:
        """The prompts of a stream (0 = measured): from the data set when there is one, else synthetic."""
        if self.cfg.prompt_source is not None:
            return self.cfg.prompt_source.make(count, stream)
        return make_prompts(self.spec, count=count, stream=stream)

    # ------------------------------------------------------------------ levels
    def _run_level(self, level: LoadLevel, prompts: Any, warmup: bool = False) -> None:
        assert self.rows is not None  # prepared
        try:
            self.engine.run_level(
                level,
                prompts,
                self.run_t0,
                self.rows,  # type: ignore[arg-type]  # engines only append to it
                warmup=warmup,
                seed=self.spec.seed,
                request_timeout_s=self.cfg.request_timeout_s,
                on_request_done=self._request_done,
            )
        finally:
            self.rows.settle()

    def _request_done(self, rec: RequestRecord) -> None:
        """A request ended: out of memory into the journal's spool (durable within :data:`SPOOL_FLUSH_S`), then progress."""
        if self.rows is not None:
            self.rows.done(rec)
        self.progress.request_done(rec)

    def run_one(self, level: LoadLevel) -> None:
        """Warm up, run one level with its energy meter, and make it durable."""
        progress = self.progress
        self.levels_run.append(level)
        self.mark_in_flight(level)
        if level.warmup_prompts:
            warm = self._make_prompts(level.warmup_prompts, stream=1 + level.level)
            progress.start_level(f"{level.label()} warmup", len(warm))
            self._run_level(level, warm, warmup=True)
            progress.end_level()
        level_prompts = (
            self.prompts if level.num_prompts <= len(self.prompts) else self._make_prompts(level.num_prompts)
        )
        progress.start_level(level.label(), len(level_prompts))
        meter = _energy_meter(self.cfg, self.engine)
        cache_before = prefix_cache_counters(self.engine)
        try:
            self._run_waves(level, level_prompts)
        finally:
            self.energy[level.level] = _stop_meter(meter, self.cfg, self.engine)
            self.prefix_cache[level.level] = hit_rate(cache_before, prefix_cache_counters(self.engine))
        progress.end_level()
        assert self.rows is not None  # prepared
        self.requested_lengths[level.level] = requested_input_len_of_ids(
            level_prompts, self.rows.request_ids(level.level)
        )
        self.level_summary[level.level] = self._summarize_level(level)
        self.level_source.update(self._source_of_level(level.level))
        self.completed.append(level.level)
        self.make_durable(level)

    def run_at(self, concurrency: int) -> dict[str, Any]:
        """One closed-loop level of the SLO search; returns its summary row."""
        cfg = self.cfg
        base = cfg.levels[0]
        level = LoadLevel(
            level=len(self.levels_run),
            concurrency=concurrency,
            duration_s=base.duration_s,
            num_prompts=max(base.num_prompts, 2 * concurrency),
            warmup_prompts=base.warmup_prompts,
            ramp_s=base.ramp_s,
        )
        self.run_one(level)
        return self.level_summary[level.level].to_dicts()[0]

    def mark_in_flight(self, level: LoadLevel) -> None:
        """Name the level about to be measured in the journal's manifest (its spooled rows are partial)."""
        self.in_flight = level.level
        if self.journal_notes:
            return  # the journal already failed once: the run goes on in memory
        try:
            done = [lv for lv in self.levels_run if lv.level in self.completed]
            summary = self.journal_summary if self.journal_summary is not None else self.summary_of(done)
            reason = (
                f"measuring (or killed) during level {level.level}: the levels in levels_completed are durable, "
                f"level {level.level}'s finished requests are spooled (partial)"
            )
            self.journal.write_manifest(self.manifest_for("partial", reason, summary))
        except Exception as exc:  # disk full: keep measuring; the final write is tried anyway
            self.journal_notes.append(f"journal write failed before level {level.level}: {type(exc).__name__}: {exc}")

    def make_durable(self, level: LoadLevel) -> None:
        """Write the level just completed into the journal (a failure is noted, never fatal); its
        spooled parts are then superseded by the whole-level part and removed."""
        self.in_flight = None
        if self.journal_notes:
            return  # the journal already failed once: the run goes on in memory
        assert self.rows is not None  # prepared
        try:
            mine = self.rows.lazy(level.level)  # streamed from the level's spooled parts into its whole part
            done = [lv for lv in self.levels_run if lv.level in self.completed]
            reason = (
                f"measuring (or killed) after level {level.level}: the levels in levels_completed are durable, "
                "the level in flight is lost"
            )
            summary = self.summary_of(done)
            self.journal.add_level(level.level, mine, summary, self.manifest_for("partial", reason, summary))
            self.journal_summary = summary
            self.rows.made_durable(level.level, self.journal.path / f"requests-L{level.level:04d}.parquet")
        except Exception as exc:  # disk full mid-run: keep measuring; the final write is tried anyway
            self.journal_notes.append(f"journal write failed after level {level.level}: {type(exc).__name__}: {exc}")

    # ------------------------------------------------------------------ outputs
    def _summarize_level(self, level: LoadLevel, mark: tuple[str, float] | None = None) -> pl.DataFrame:
        """:func:`metrics.summarize`'s row of one level, streamed from its parts (percentiles exact,
        means to summation order; memory: one batch and the level's per-request columns)."""
        cfg = self.cfg
        if self.rows is None:
            return metrics.summarize(requests_frame([]), levels_frame([level]), cfg.slos or None, cfg.percentile_method)
        batches = self.rows.batches(level.level, mark)
        return summarize_batches(batches, levels_frame([level]), cfg.slos or None, cfg.percentile_method)

    def _level_row(self, level: LoadLevel) -> pl.DataFrame:
        """A level's summary row: the one computed when it completed, unless the run's end marks rows of it."""
        cached = self.level_summary.get(level.level)
        tally = self.rows.tally.get(level.level) if self.rows is not None else None
        if cached is not None and (self.mark is None or tally is None or not tally.unfinished):
            return cached
        return self._summarize_level(level, self.mark)

    def summary_of(self, levels: list[LoadLevel]) -> pl.DataFrame:
        cfg = self.cfg
        empty = metrics.summarize(requests_frame([]), levels_frame([]), cfg.slos or None, cfg.percentile_method)
        raw = pl.concat([empty, *(self._level_row(lv) for lv in levels)], how="vertical").sort("level")
        summary = with_energy(raw, self.energy)
        tallies = self.rows.tally if self.rows is not None else {}
        summary = with_lengths_of(summary, tallies, self.requested_lengths)
        rates = {k: v.get("hit_rate") for k, v in self.prefix_cache.items()}
        summary = with_fidelity(summary, self.fidelity)
        return summary.join(
            pl.DataFrame(
                {"level": list(rates), "prefix_cache_hit_rate": list(rates.values())},
                schema={"level": pl.Int64, "prefix_cache_hit_rate": pl.Float64},
            ),
            on="level",
            how="left",
        )

    def _warnings(self, summary: pl.DataFrame) -> list[str]:
        warnings = [w for w in (client_warning(row, self.calibration, self.engine) for row in summary.to_dicts()) if w]
        if self.search_result is not None:
            warnings += [f"SLO search: {w}" for w in self.search_result.warnings]
        rows = self.rows
        warnings += self.journal_notes + (rows.notes if rows is not None else [])
        if rows is not None and rows.flagged:
            warnings.append(
                f"{rows.flagged} requests: the server's usage disagreed with the streamed chunks or the requested "
                f"length (see token_count_note in requests.parquet), e.g. {rows.first_flagged_note}"
            )
        return warnings

    def _source_of_level(self, level: int, mark: tuple[str, float] | None = None) -> dict[int, dict[str, Any]]:
        """The prompt source's manifest of one level's rows ({level: manifest}), or nothing."""
        fn = getattr(self.cfg.prompt_source, "manifest", None)
        if not callable(fn) or self.rows is None:
            return {}
        return {level: fn(self.rows.slim(level, mark))}

    def _source_manifest(self) -> dict[str, Any]:
        """What the prompt source adds to the manifest (multi-turn ordering): its manifest of no rows,
        merged with each level's (a level's is computed once it completes, or with the run's end marks)."""
        fn = getattr(self.cfg.prompt_source, "manifest", None)
        if not callable(fn):
            return {}
        out = fn([])
        for level in self._levels_with_rows():
            tally = self.rows.tally.get(level) if self.rows is not None else None
            if self.mark is not None and (level not in self.level_source or (tally is not None and tally.unfinished)):
                part = self._source_of_level(level, self.mark).get(level, {})
            else:
                part = self.level_source.get(level, {})
            out = merge_manifest(out, part)
        return out

    def manifest_for(self, status: RunStatus, status_reason: str | None, summary: pl.DataFrame) -> RunManifest:
        """The run's manifest now (a journal's while measuring, the bundle's at the end).

        A new manifest key goes here and, typed, on :class:`~claimbench.schema.manifest.RunManifest`."""
        cfg, spec = self.cfg, self.spec
        rows = self.rows
        final = status != "partial"
        return RunManifest.model_validate(
            {
                "schema_version": MANIFEST_SCHEMA_VERSION,
                "run_id": self.run_id,
                "created": self.created,
                "status": status,
                "status_reason": status_reason,
                "levels_completed": list(self.completed),
                "level_in_flight": self.in_flight if status == "partial" else None,
                "claimbench": {"version": __version__, "git_sha": _git_sha()},
                "engine": self.engine.describe(),
                "model": {"source": cfg.model_source, "path_or_name": cfg.model, "dtype": cfg.dtype},
                "workload": {
                    **spec.as_dict(),
                    "prompt_set_sha256": prompt_set_sha256(self.prompts)
                    if final and self.prompts is not None
                    else None,
                },
                "load_plan": [lv.as_dict() for lv in self.levels_run],
                "slo_search": None
                if cfg.search is None
                else {
                    "slo": {
                        "metric": cfg.search.metric,
                        "bound": cfg.search.bound,
                        "percentile": cfg.search.percentile,
                    },
                    "result": self.search_result.as_dict() if self.search_result is not None else None,
                },
                "client_calibration": self.calibration,
                "client_capacity": client_capacity_of(self.engine, self.calibration),
                "warnings": self._warnings(summary),
                "slos": cfg.slos,
                "percentile_method": cfg.percentile_method,
                "request_timeout_s": cfg.request_timeout_s,
                "platform": self.fingerprint,
                "energy": {str(k): v for k, v in sorted(self.energy.items())},
                "output_length_audit": {
                    "requests_ok": rows.requests_ok if rows else 0,
                    "requests_short": rows.requests_short if rows else 0,
                    "requests_long": rows.requests_long if rows else 0,
                },
                "token_count_audit": {
                    "requests_usage_flagged": rows.flagged if rows else 0,
                    "rule": "usage below the streamed chunk count or above the requested length is not trusted: "
                    "the chunk count is used and token_count_note says why",
                },
                "prefix_cache": {str(k): v for k, v in sorted(self.prefix_cache.items())},
                "fidelity": self.fidelity,
                **self._source_manifest(),
                **cfg.extra_manifest,
            }
        )


def client_warning(row: dict[str, Any], calibration: dict[str, Any] | None, engine: Engine) -> str | None:
    """A warning when a level's load approaches the measuring client's calibrated ceiling."""
    if engine.name == "offline" or not calibration:
        return None
    from claimbench.measurement.calibration import ceiling_warning

    w = ceiling_warning(row, calibration, workers=_client_workers(engine))
    return f"level {row['level']}: {w}" if w else None


def _client_workers(engine: Engine) -> int:
    return int(getattr(getattr(engine, "config", None), "workers", 1) or 1)


def client_capacity_of(engine: Engine, calibration: dict[str, Any] | None) -> dict[str, Any] | None:
    """The streaming client's event loop and per-worker ceiling for the manifest (None offline)."""
    if engine.name == "offline":
        return None
    from claimbench.measurement.calibration import client_capacity

    return client_capacity(calibration, _client_workers(engine), getattr(engine, "loop_name", None))


def _energy_meter(cfg: MeasureConfig, engine: Engine):
    if not cfg.energy or engine.name == "endpoint":
        return None
    from claimbench.measurement.energy import EnergyMeter

    meter = EnergyMeter()
    meter.start()
    return meter


def _stop_meter(meter, cfg: MeasureConfig, engine: Engine) -> dict[str, Any]:
    if meter is None:
        reason = (
            "remote endpoint: its devices are not observable from here"
            if engine.name == "endpoint"
            else "energy sampling off"
        )
        return {"joules": None, "source": None, "reason": reason}
    return meter.stop().to_dict()


def with_energy(summary: pl.DataFrame, energy: dict[int, dict[str, Any]]) -> pl.DataFrame:
    """Add ``energy_j`` and ``energy_j_per_output_tok`` per level (null where not measured)."""
    e = pl.DataFrame(
        {"level": list(energy), "energy_j": [v.get("joules") for v in energy.values()]},
        schema={"level": pl.Int64, "energy_j": pl.Float64},
    )
    out = summary.join(e, on="level", how="left")
    tokens = pl.col("output_tok_per_s") * pl.col("duration_s")
    return out.with_columns(energy_j_per_output_tok=pl.when(tokens > 0).then(pl.col("energy_j") / tokens))


def with_fidelity(summary: pl.DataFrame, fidelity: dict[str, Any] | None) -> pl.DataFrame:
    """``fidelity_identical_token_rate`` and ``fidelity_below_threshold`` on every level (the run's
    fidelity sample describes the served configuration); absent when ``--fidelity`` was not asked."""
    if fidelity is None:
        return summary
    return summary.with_columns(
        pl.lit(fidelity.get("identical_token_rate"), dtype=pl.Float64).alias("fidelity_identical_token_rate"),
        pl.lit(fidelity.get("below_threshold"), dtype=pl.Boolean).alias("fidelity_below_threshold"),
    )


def merge_manifest(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``more`` merged in, nested dicts key by key (a prompt source's per-level manifests)."""
    out = dict(base)
    for k, v in more.items():
        out[k] = merge_manifest(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def requested_input_len(prompts: Any, records: list[RequestRecord]) -> float | None:
    """Mean token count of the prompts the ok requests of a level were built from (by prompt index)."""
    return requested_input_len_of_ids(prompts, (rec.request_id for rec in records))


def requested_input_len_of_ids(prompts: Any, request_ids: Iterable[str]) -> float | None:
    """:func:`requested_input_len` of the requests' ids (streamed: one count and one sum held)."""
    total, n = 0, 0
    for request_id in request_ids:
        try:
            index = int(request_id.rsplit("-", 1)[1][1:])
            total += len(prompts[index].token_ids)
        except (ValueError, IndexError):
            continue
        n += 1
    return total / n if n else None


_LENGTHS_SCHEMA = {
    "level": pl.Int64,
    "isl_mean_tokens": pl.Float64,
    "osl_requested_mean_tokens": pl.Float64,
    "osl_mean_tokens": pl.Float64,
}


def with_lengths_of(
    summary: pl.DataFrame, tallies: dict[int, LevelTally], requested: dict[int, float | None]
) -> pl.DataFrame:
    """Achieved ISL/OSL per level beside the requested ones (means over ok, measured requests):
    ``isl_requested_mean_tokens`` (token count of the prompts sent, counted with the model's
    tokenizer for text), ``isl_mean_tokens`` (what the engine or server counted),
    ``osl_requested_mean_tokens`` and ``osl_mean_tokens``; null where no request completed. From each
    level's running token sums (:class:`~.sweeprows.LevelTally`): integer sums over the ok, measured rows,
    so the means equal the column means exactly."""
    means = {lv: t.means() for lv, t in tallies.items() if t.isl_n or t.osl_requested_n or t.osl_n}
    columns = [c for c in _LENGTHS_SCHEMA if c != "level"]
    got = pl.DataFrame(
        {"level": list(means), **{c: [m[c] for m in means.values()] for c in columns}}, schema=_LENGTHS_SCHEMA
    )
    return _join_lengths(summary, got, requested)


def _join_lengths(summary: pl.DataFrame, got: pl.DataFrame, requested: dict[int, float | None]) -> pl.DataFrame:
    asked = pl.DataFrame(
        {"level": list(requested), "isl_requested_mean_tokens": list(requested.values())},
        schema={"level": pl.Int64, "isl_requested_mean_tokens": pl.Float64},
    )
    out = summary.join(asked, on="level", how="left").join(got, on="level", how="left")
    return out.select(
        *summary.columns, "isl_requested_mean_tokens", "isl_mean_tokens", "osl_requested_mean_tokens", "osl_mean_tokens"
    )


def _git_sha() -> str | None:
    from claimbench.measurement.platform import git_sha

    return git_sha()
