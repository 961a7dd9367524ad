"""The report's provenance: versions, data hashes and run ids (it asks git for the checkout's commit)."""

import json


def test_provenance_names_version_data_hashes_and_run_ids(tmp_path):
    from claimbench.report.paperkit import provenance, sha256_file

    bundle = tmp_path / "runs" / "r1"
    bundle.mkdir(parents=True)
    (bundle / "manifest.json").write_text(json.dumps({"run_id": "r1", "status": "complete"}))
    report = tmp_path / "rep"
    (report / "exports" / "05_verify").mkdir(parents=True)
    (report / "exports" / "05_verify" / "verdicts.csv").write_text("a\n")
    doc = provenance(report, [tmp_path / "runs"], [{"step": "05_verify", "status": "ok"}], "2026-01-01T00:00:00Z")
    assert doc["runs"] == [
        {"run_id": "r1", "status": "complete", "manifest_sha256": sha256_file(bundle / "manifest.json")}
    ]
    assert any(k.startswith("claims/") for k in doc["data_files_sha256"])
    assert doc["exports_sha256"] == {
        "05_verify/verdicts.csv": sha256_file(report / "exports" / "05_verify" / "verdicts.csv")
    }
    assert len(doc["environment"]["installed_sha256"]) == 64 and "pyproject.toml" in doc["install_spec_sha256"]
    assert doc["claimbench"]["version"]
