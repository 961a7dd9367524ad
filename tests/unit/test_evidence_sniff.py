"""One content sniff: the folder walk (load/evidence) and the importer registry (load/importers) ask
the same question of a file, "which importer reads it", and get the same answer."""

from pathlib import Path

from claimbench.load.evidence import AIPERF_CSV as AIPERF_CSV_NAME
from claimbench.load.evidence import import_evidence
from claimbench.load.importers import importer_for, recognised_as

AIPERF = Path(__file__).resolve().parents[1] / "data" / "peers" / "aiperf-0.13.0"


def test_the_registry_names_the_importer_of_an_aiperf_csv_as_the_folder_walk_expects():
    csv = AIPERF / "profile_export_aiperf.csv"
    assert recognised_as(csv) == AIPERF_CSV_NAME == importer_for(csv).name


def test_a_csv_nobody_reads_and_an_unreadable_one_are_recognised_by_nobody_without_raising(tmp_path):
    other = tmp_path / "results.csv"
    other.write_text("name,value\nthroughput,12\n")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(b"Metric,avg,\xe9\n")
    assert recognised_as(other) is None and recognised_as(latin1) is None


def test_an_aiperf_csv_beside_its_json_export_is_skipped_but_alone_it_is_imported(tmp_path):
    csv = (AIPERF / "profile_export_aiperf.csv").read_bytes()
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "profile_export_aiperf.csv").write_bytes(csv)
    evidence, errors = import_evidence([tmp_path / "alone", AIPERF])
    assert errors == []
    assert sorted(Path(e.path).name for e in evidence) == ["profile_export_aiperf.csv", "profile_export_aiperf.json"]
