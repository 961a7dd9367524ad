"""Importers and engines are registries: adding one is a module plus one registration line."""

import json
from pathlib import Path

import pytest

from claimbench.errors import UserError
from claimbench.load.evidence import import_evidence
from claimbench.load.importers import (
    FunctionImporter,
    Importer,
    ImportMeta,
    importer_for,
    importers,
    register_importer,
    unregister_importer,
)
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "verify"


def _toy_load(path: Path, meta: ImportMeta) -> list[Evidence]:
    data = json.loads(path.read_text())
    return [
        Evidence(
            id=f"toy:{path.name}",
            kind="vllm_bench",
            path=str(path),
            title="toy result",
            secondary=False,
            reported_by="toy bench",
            derived=False,
            conditions=EvidenceConditions(
                hardware=None,
                model="tiny",
                precision=None,
                input_len=None,
                output_len=None,
                speculative=None,
                phase=None,
            ),
            basis="card",
            packages=1,
            points=[LoadPoint(level="0", output_tok_per_s=float(data["toy_tokens_per_second"]))],
        )
    ]


TOY = FunctionImporter(
    name="toy",
    title="Toy bench",
    formats=(".json",),
    sniff_fn=lambda p: 0.95 if "toy_tokens_per_second" in json.loads(p.read_text()) else 0.0,
    load_fn=_toy_load,
)


@pytest.fixture
def toy_registered():
    register_importer(TOY)
    yield TOY
    unregister_importer(TOY.name)


def test_a_registered_toy_importer_reads_its_format_through_import_evidence(tmp_path, toy_registered):
    f = tmp_path / "toy.json"
    f.write_text(json.dumps({"toy_tokens_per_second": 123.5}))
    evidence, errors = import_evidence([f])
    assert not errors and [e.id for e in evidence] == ["toy:toy.json"]
    assert evidence[0].points[0].output_tok_per_s == 123.5


def test_without_its_registration_the_toy_format_is_not_recognised_naming_the_importers_tried(tmp_path):
    f = tmp_path / "toy.json"
    f.write_text(json.dumps({"toy_tokens_per_second": 123.5}))
    with pytest.raises(UserError, match=r"not a recognised result file \(tried GuideLLM, AIPerf, .*vllm bench serve\)"):
        importer_for(f)


def test_every_builtin_importer_satisfies_the_protocol_and_names_its_formats():
    names = [i.name for i in importers()]
    assert names[:2] == ["run_bundle", "reference"] and len(set(names)) == len(names)
    assert all(isinstance(i, Importer) and i.formats for i in importers())


@pytest.mark.parametrize(
    "fixture,name",
    [("vllm_bench_serve.json", "vllm_bench"), ("guidellm_report.json", "guidellm")],
)
def test_the_most_confident_importer_wins(fixture, name):
    assert importer_for(FIX / fixture).name == name


def test_a_file_of_no_registered_format_is_one_line_listing_the_formats(tmp_path):
    f = tmp_path / "result.txt"
    f.write_text("tokens/s 12")
    with pytest.raises(UserError, match=r"unsupported evidence file \(expected a bundle dir, .yaml, .yml, "):
        importer_for(f)


def test_an_object_without_sniff_and_load_cannot_be_registered():
    with pytest.raises(TypeError, match="not an Importer"):
        register_importer(object())  # type: ignore[arg-type]


def test_a_registered_toy_engine_is_built_by_name_and_listed_as_a_choice():
    from claimbench.measurement.engines import registry
    from claimbench.measurement.options import MeasureOptions

    built = []

    def toy(req):
        built.append(req.options.engine)
        return "a toy engine"

    registry.register_engine("toy", toy)
    try:
        assert "toy" in registry.engine_names()
        opts = MeasureOptions.build(engine="toy")
        assert registry.build_engine(registry.EngineRequest(opts, "tiny", {"backend": "cpu"})) == "a toy engine"
        assert built == ["toy"]
    finally:
        registry.unregister_engine("toy")
    assert "toy" not in registry.engine_names()


def test_an_unknown_engine_is_one_line_with_a_suggestion():
    from claimbench.measurement.options import MeasureOptions

    with pytest.raises(UserError, match=r"--engine: unknown engine 'serv' \(did you mean 'serve'\?\)"):
        MeasureOptions.build(engine="serv")
