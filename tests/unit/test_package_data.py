"""Package data: the shipped data and notebooks are package resources; a user's data layers over
them; `claimbench init` copies them out; an empty registry, claim set, evidence set or report is a
one-line error (exit 2), never an empty success."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
import yaml

from claimbench.cli import main
from claimbench.errors import UserError
from claimbench.load import paths
from claimbench.load.claims import load_claims
from claimbench.load.evidence import default_evidence_paths, import_evidence, require_evidence
from claimbench.load.registry import list_hardware, load_hardware
from claimbench.load.workspace import init_workspace

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    # main(["--data-dir", ...]) writes $CLAIMBENCH_DATA: monkeypatch restores it after each test.
    monkeypatch.setenv(paths.ENV_VAR, "")
    monkeypatch.delenv(paths.NOTEBOOKS_ENV_VAR, raising=False)


def test_the_shipped_data_and_notebooks_are_package_resources_with_the_repository_files():
    data = resources.files("claimbench") / "data"
    assert paths.packaged_data_dir() == Path(str(data))
    assert (data / "hardware" / "nvidia-h20.yaml").read_bytes() == (REPO / "data/hardware/nvidia-h20.yaml").read_bytes()
    names = sorted(p.name for p in paths.notebooks_dir().glob("*.ipynb"))
    assert names == sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")) and len(names) == 5


def test_the_wheel_declares_data_and_notebooks_as_package_data():
    import tomllib

    conf = tomllib.loads((REPO / "pyproject.toml").read_text())
    pkg_data = conf["tool"]["setuptools"]["package-data"]["claimbench"]
    assert "data/**/*" in pkg_data and "notebooks/*.ipynb" in pkg_data
    assert (REPO / "lib/claimbench/data").resolve() == (REPO / "data").resolve()
    assert (REPO / "lib/claimbench/notebooks").resolve() == (REPO / "notebooks").resolve()


def _user_layer(tmp_path: Path) -> Path:
    """A user's data folder: one changed hardware file, one new hardware file, one own claim."""
    user = tmp_path / "mydata"
    (user / "hardware").mkdir(parents=True)
    raw = yaml.safe_load((paths.packaged_data_dir() / "hardware/nvidia-h20.yaml").read_text())
    raw["tdp_w"] = 399
    (user / "hardware/nvidia-h20.yaml").write_text(yaml.safe_dump(raw))
    raw["id"] = "my-card"
    (user / "hardware/my-card.yaml").write_text(yaml.safe_dump(raw))
    (user / "claims").mkdir()
    claim = yaml.safe_load((paths.packaged_data_dir() / "claims/tiny-cpu-host-min-throughput-c1.yaml").read_text())
    claim["id"] = "my-claim"
    (user / "claims/my-claim.yaml").write_text(yaml.safe_dump(claim))
    return user


def test_a_users_data_dir_replaces_same_named_files_and_adds_new_ones(tmp_path, monkeypatch):
    shipped = {h.id for h in list_hardware()}
    user = _user_layer(tmp_path)
    monkeypatch.setenv(paths.ENV_VAR, str(user))
    assert {h.id for h in list_hardware()} == shipped | {"my-card"}
    assert load_hardware("nvidia-h20").tdp_w == 399
    claims, errors = load_claims()
    assert (
        errors == [] and "my-claim" in {c.id for c in claims} and "huawei-3x-h20-throughput" in {c.id for c in claims}
    )


def test_the_data_dir_option_layers_for_every_command(tmp_path, capsys):
    user = _user_layer(tmp_path)
    assert main(["--data-dir", str(user), "hardware", "list", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["nvidia-h20"]["tdp_w"] == 399 and "my-card" in rows and "ascend-910c" in rows


def test_a_data_dir_that_does_not_exist_is_a_one_line_error(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "nope"), "hardware", "list"]) == 2
    assert capsys.readouterr().err.strip() == f"claimbench: error: --data-dir: {tmp_path / 'nope'} is not a directory"


def test_a_users_reference_file_shadows_the_shipped_one_of_the_same_id(tmp_path, monkeypatch):
    user = tmp_path / "mydata"
    (user / "reference").mkdir(parents=True)
    src = paths.packaged_data_dir() / "reference/deepseek-h800-day6.yaml"
    raw = yaml.safe_load(src.read_text())
    raw["title"] = "my corrected copy"
    (user / "reference" / src.name).write_text(yaml.safe_dump(raw, sort_keys=False))
    monkeypatch.setenv(paths.ENV_VAR, str(user))
    dirs = default_evidence_paths()
    assert dirs[0] == user / "reference" and paths.packaged_data_dir() / "reference" in dirs
    evidence, errors = import_evidence(dirs, {h.id for h in list_hardware()})
    assert errors == []
    titles = [e.title for e in evidence if e.id.startswith("deepseek-h800-day6#")]
    assert titles and all(t.startswith("my corrected copy") for t in titles)


def test_init_copies_the_notebooks_and_data_and_refuses_to_overwrite(tmp_path, capsys):
    assert main(["init", str(tmp_path / "ws"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert Path(out["data_dir"], "hardware/nvidia-h20.yaml").is_file()
    assert Path(out["notebooks_dir"], "05_verify.ipynb").is_file()
    assert Path(out["data_dir"], "runs/20261122T141455Z-30a590/summary.parquet").is_file()
    assert main(["init", str(tmp_path / "ws")]) == 2
    assert "already exists (use --force" in capsys.readouterr().err
    assert len(init_workspace(tmp_path / "ws", force=True).files) == len(out["files"])


def test_an_initialised_copy_used_as_data_dir_gives_the_same_registry(tmp_path, monkeypatch):
    res = init_workspace(tmp_path / "ws")
    shipped = [h.id for h in list_hardware()]
    monkeypatch.setenv(paths.ENV_VAR, str(res.data_dir))
    assert [h.id for h in list_hardware()] == shipped
    evidence, errors = import_evidence(default_evidence_paths(), set(shipped))
    assert errors == [] and evidence  # the copied references shadow the shipped ones: no duplicates


def test_an_empty_registry_is_an_error_not_an_empty_table(tmp_path):
    with pytest.raises(UserError, match=r"^no hardware records: no hardware/\*\.yaml in .*empty/hardware$"):
        list_hardware(tmp_path / "empty")


def test_hardware_list_on_an_empty_registry_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "packaged_data_dir", lambda: tmp_path)
    assert main(["hardware", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no hardware records" in err


def test_an_empty_claims_dir_is_an_error(tmp_path):
    with pytest.raises(UserError, match="no claim files"):
        load_claims(tmp_path)


def test_an_empty_evidence_set_is_an_error_naming_the_first_failure(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    evidence, errors = import_evidence([bad])
    assert evidence == [] and len(errors) == 1
    with pytest.raises(UserError, match=r"^--evidence: no evidence could be imported from .*x\.json; first error: "):
        require_evidence(evidence, errors, [bad])


def test_a_notebooks_folder_without_notebooks_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.NOTEBOOKS_ENV_VAR, str(tmp_path))
    with pytest.raises(UserError, match=r"^CLAIMBENCH_NOTEBOOKS \(or --notebooks\): no notebooks"):
        paths.notebooks_dir()


def test_a_copied_notebooks_folder_is_used_when_named(tmp_path, monkeypatch):
    shutil.copytree(paths.packaged_notebooks_dir(), tmp_path / "nb")
    monkeypatch.setenv(paths.NOTEBOOKS_ENV_VAR, str(tmp_path / "nb"))
    assert paths.notebooks_dir() == tmp_path / "nb"


def test_the_notebook_steps_see_a_users_reference_layer(tmp_path, monkeypatch):
    from claimbench.report.steps import compare, verify

    user = tmp_path / "mydata"
    (user / "reference").mkdir(parents=True)
    raw = yaml.safe_load((paths.packaged_data_dir() / "reference/deepseek-h800-day6.yaml").read_text())
    raw["id"] = "my-h800-copy"
    (user / "reference/my-h800-copy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    monkeypatch.setenv(paths.ENV_VAR, str(user))
    result = verify()
    assert any(e.id.startswith("my-h800-copy#") for e in result.evidence)
    assert compare().filter(pl.col("evidence_id").str.starts_with("my-h800-copy#")).height > 0
