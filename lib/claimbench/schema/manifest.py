"""The typed contract of a run bundle: ``manifest.json`` (:class:`RunManifest`) and its row files.

A bundle is ``<run_id>/manifest.json`` + ``requests.parquet`` (one row per request,
:data:`~claimbench.schema.records.REQUEST_SCHEMA`) + ``summary.parquet`` (one row per level,
:data:`REQUIRED_SUMMARY_COLUMNS` at least); a journal ``<run_id>.partial/`` holds
``requests-L<level>.parquet`` parts instead. ``claimbench measure`` writes a :class:`RunManifest`
(:meth:`RunManifest.to_json`) and every reader gets one back (``load.bundles.read_manifest``).

Adding a manifest field is one line: declare it on :class:`RunManifest` (or on the section it
belongs to) with a default, so earlier bundles without it still load; the writer
(``measurement/runner.py`` ``manifest_for``) fills it. Sections whose content depends on the
engine or the platform keep their unknown keys (``extra="allow"``); so does the manifest itself,
so a key written by a newer claimbench survives a read and a rewrite.

Versions: ``schema_version`` 1 is the only layout so far. Older shapes of a few fields (a model
or hardware given as a bare string, ``hardware_id``, ``device``/``fingerprint`` for ``platform``)
are read by :meth:`RunManifest._migrate`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from claimbench.schema.records import REQUEST_SCHEMA, SCHEMA_VERSION

MANIFEST_SCHEMA_VERSION = SCHEMA_VERSION
"""Version of the run bundle layout (manifest ``schema_version``)."""

RunStatus = Literal["complete", "incomplete", "interrupted", "partial"]
"""``complete``: every level ran; ``incomplete``: the sweep ended early (engine died, worker
failed); ``interrupted``: Ctrl-C / SIGTERM; ``partial``: a journal (the run is in progress or
was killed; ``levels_completed`` are durable)."""

MANIFEST_FILE = "manifest.json"
REQUESTS_FILE = "requests.parquet"
SUMMARY_FILE = "summary.parquet"
REQUEST_PART_GLOB = "requests-L*.parquet"
"""Request row files of a journal: ``requests-L<level>.parquet`` (a completed level, whole) and
``requests-L<level>-p<part>.parquet`` (the finished rows of the level in flight, spooled as they end)."""

REQUIRED_REQUEST_COLUMNS = ("request_id", "level", "sent_s", "first_token_s", "done_s", "output_tokens", "ok")
"""Columns of ``requests.parquet`` every reader relies on (the full row schema: ``REQUEST_SCHEMA``)."""
REQUIRED_SUMMARY_COLUMNS = ("level",)
"""Columns of ``summary.parquet`` every reader relies on (metrics add the rest, null when unmeasured)."""

__all__ = [
    "MANIFEST_SCHEMA_VERSION",
    "REQUEST_SCHEMA",
    "REQUIRED_REQUEST_COLUMNS",
    "REQUIRED_SUMMARY_COLUMNS",
    "ClaimbenchInfo",
    "EngineInfo",
    "HardwareInfo",
    "ManifestSection",
    "ModelInfo",
    "OutputLengthAudit",
    "PlatformInfo",
    "RunManifest",
    "RunStatus",
    "WorkloadInfo",
]


class ManifestSection(BaseModel):
    """A manifest object: typed where readers need it, other keys kept as written."""

    model_config = ConfigDict(extra="allow")


class ClaimbenchInfo(ManifestSection):
    """The claimbench that wrote the bundle."""

    version: str | None = None
    git_sha: str | None = None


class EngineInfo(ManifestSection):
    """What served the requests (``Engine.describe()``: the rest depends on the engine)."""

    name: str | None = None
    engine_args: dict[str, Any] | None = None
    dtype: str | None = None


class ModelInfo(ManifestSection):
    """The model as the user named it (``source``) and as the engine loaded it."""

    source: str | None = None
    path_or_name: str | None = None
    dtype: str | None = None


class WorkloadInfo(ManifestSection):
    """The synthetic workload (``WorkloadSpec.as_dict()`` plus the prompt set's hash)."""

    input_len: int | None = None
    output_len: int | None = None
    num_prompts: int | None = None
    seed: int | None = None
    prompt_set_sha256: str | None = None


class PlatformInfo(ManifestSection):
    """The device fingerprint (``measurement.platform.fingerprint``)."""

    backend: str | None = None
    vendor: str | None = None
    device_name: str | None = None
    device_count: int | None = None
    hardware_id: str | None = None
    packages: dict[str, str | None] = Field(default_factory=dict)

    def package_version(self, name: str) -> str | None:
        """The installed version of ``name`` when the run was taken, ``None`` when not recorded."""
        return self.packages.get(name)


class HardwareInfo(ManifestSection):
    """The hardware registry id the run was taken on, or why it is unknown."""

    id: str | None = None
    source: str | None = None
    reason: str | None = None


class OutputLengthAudit(ManifestSection):
    """Measured requests whose output length differed from the requested one."""

    requests_ok: int = 0
    requests_short: int = 0
    requests_long: int = 0


class RunManifest(BaseModel):
    """``manifest.json`` of a run bundle (complete or partial); see the module doc to add a field."""

    model_config = ConfigDict(extra="allow")

    schema_version: Literal[1] = 1  # MANIFEST_SCHEMA_VERSION
    run_id: str = Field(min_length=1)
    status: RunStatus
    status_reason: str | None = None
    created: str | None = None
    levels_completed: list[int] = Field(default_factory=list)
    level_in_flight: int | None = Field(
        default=None,
        description="a journal's level being measured when it was last written: its finished rows so far are in "
        "requests-L<level>-p<part>.parquet (the level is partial); null in a finished bundle",
    )
    claimbench: ClaimbenchInfo | None = None
    engine: EngineInfo | None = None
    model: ModelInfo | None = None
    workload: WorkloadInfo | None = None
    load_plan: list[dict[str, Any]] = Field(default_factory=list)
    slo_search: dict[str, Any] | None = None
    client_calibration: dict[str, Any] | None = None
    client_capacity: dict[str, Any] | None = Field(
        default=None, description="event loop, JSON decoder, workers and the calibrated ceiling per worker and in all"
    )
    warnings: list[str] = Field(default_factory=list)
    slos: dict[str, float] = Field(default_factory=dict)
    percentile_method: str = "linear"
    request_timeout_s: float | None = None
    platform: PlatformInfo | None = None
    energy: dict[str, dict[str, Any]] = Field(default_factory=dict)
    output_length_audit: OutputLengthAudit | None = None
    token_count_audit: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    hardware: HardwareInfo | None = None
    environment: dict[str, Any] | None = None
    speculative: Any = None
    # Workload sources and quality (docs/workloads.md): present only when the run used them.
    dataset: dict[str, Any] | None = Field(default=None, description="--dataset: file, hash, length statistics")
    multi_turn: dict[str, Any] | None = Field(default=None, description="--multi-turn: sessions and turn ordering")
    prefix_cache: dict[str, dict[str, Any]] = Field(default_factory=dict, description="per level: hit rate")
    fidelity: dict[str, Any] | None = Field(default=None, description="--fidelity: served vs reference tokens")
    achievable: dict[str, Any] | None = Field(default=None, description="this host's probe record, if any")
    host_load: dict[str, Any] | None = Field(
        default=None, description="load averages and cores at the start; busy when the 1-minute load exceeds the cores"
    )

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        """Older shapes: ``model``/``hardware`` as a string, ``hardware_id``, ``device``/``fingerprint``."""
        if not isinstance(data, dict):
            return data
        d = dict(data)
        if isinstance(d.get("model"), str):
            d["model"] = {"source": d["model"], "dtype": d.pop("dtype", None)}
        elif isinstance(d.get("model"), dict) and not d["model"].get("source"):
            m = d["model"]
            d["model"] = {**m, "source": m.get("name") or m.get("path_or_name") or m.get("path")}
        if isinstance(d.get("hardware"), str):
            d["hardware"] = {"id": d["hardware"] or None}
        if d.get("hardware") is None and d.get("hardware_id"):
            d["hardware"] = {"id": str(d.pop("hardware_id"))}
        if d.get("platform") is None:
            d["platform"] = d.pop("device", None) or d.pop("fingerprint", None)
        platform = d.get("platform")
        if isinstance(platform, dict) and isinstance(platform.get("device"), dict):
            platform = {**platform, **platform["device"]}
        if isinstance(platform, dict):
            platform = dict(platform)
            if platform.get("device_name") is None and isinstance(platform.get("name"), str):
                platform["device_name"] = platform["name"]
            if platform.get("device_count") is None and isinstance(platform.get("count"), int):
                platform["device_count"] = platform["count"]
            if isinstance(d.get("backend"), str) and platform.get("backend") is None:
                platform["backend"] = d["backend"]
            d["platform"] = platform
        elif isinstance(d.get("backend"), str):
            d["platform"] = {"backend": d["backend"]}
        return d

    # ------------------------------------------------------------------ reading helpers
    @property
    def complete(self) -> bool:
        """Every level of the plan ran."""
        return self.status == "complete"

    @property
    def partial(self) -> bool:
        """A journal: only ``levels_completed`` are durable."""
        return self.status == "partial"

    def dtype(self) -> str | None:
        """The dtype as given (model, else the engine's arguments), ``None`` when not recorded."""
        given = self.model.dtype if self.model else None
        if given in (None, "auto") and self.engine is not None:
            args = self.engine.engine_args or {}
            from_engine = args.get("dtype") if isinstance(args.get("dtype"), str) else self.engine.dtype
            given = from_engine or given
        return given

    def to_json(self) -> dict[str, Any]:
        """The JSON object written to ``manifest.json`` (every key, unknown ones included)."""
        return self.model_dump(mode="python")

    def __getitem__(self, key: str) -> Any:
        """Read-only mapping access to the JSON form (notebooks and tests: ``manifest["status"]``)."""
        return self.to_json()[key]

    def __contains__(self, key: object) -> bool:
        """``key in manifest``: the key is in the JSON form."""
        return key in self.to_json()
