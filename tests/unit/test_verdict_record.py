"""The typed verdict record: verify's verdicts.json round-trips through it, and a corrupt file is an error."""

import json
from pathlib import Path

import pytest

from claimbench.errors import UserError
from claimbench.load.verdicts import read_verdicts
from claimbench.report import steps
from claimbench.report.pipeline import _read_verdicts

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify")
    result = steps.verify(REPO / "data" / "runs", seed=0)
    steps.write_verdict_files(result.table, out, result.verdicts_json)
    return out / "verdicts.json", result


def test_verify_writes_verdicts_json_that_reads_back_as_typed_records(written):
    path, result = written
    records = read_verdicts(path)
    assert [c.id for c in records] == [c["id"] for c in result.verdicts_json]
    cm = next(c for c in records if c.id == "cloudmatrix-infer-1943-decode-per-npu")
    assert cm.readings[0].verdict == "SUPPORTED" and cm.readings[0].corroboration == "self-reported"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "not valid JSON"),
        ('[{"id": "x"}]', "field"),
        ("[]\n", None),
    ],
)
def test_a_corrupt_verdicts_json_is_an_error_naming_the_file_not_no_verdicts(tmp_path, text, match):
    (tmp_path / "verify").mkdir()
    path = tmp_path / "verify" / "verdicts.json"
    path.write_text(text)
    if match is None:
        assert _read_verdicts(tmp_path) == []
        return
    with pytest.raises(UserError, match=match) as exc:
        _read_verdicts(tmp_path)
    assert str(path) in str(exc.value)


def test_a_verdict_of_an_unknown_class_does_not_validate(written, tmp_path):
    path, _ = written
    data = json.loads(path.read_text())
    data[0]["readings"][0]["verdict"] = "PROBABLY"
    bad = tmp_path / "verdicts.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(UserError, match="verdict"):
        read_verdicts(bad)
