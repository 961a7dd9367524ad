"""Fault suite, property-based (hypothesis): every parser of external input — stream events, peer
JSON (vllm bench, GuideLLM), bundles, claim and reference YAML, measure options — given garbage
either accepts it with sane numbers, or answers with one line (a UserError, or a clean set-aside
by import_evidence). Never a traceback."""

import json
import math
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbench.errors import UserError
from claimbench.load.bundles import read_bundle
from claimbench.load.claims import load_claim
from claimbench.load.evidence import import_evidence, load_reference
from claimbench.measurement.client import BadEvent, parse_event, reconcile_tokens
from claimbench.measurement.options import MeasureOptions
from claimbench.redact import Redactor
from claimbench.schema.records import RequestRecord

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["inf", "nan", "-1", "1e999", "", "0"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=16,
)
numbers = (
    st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([None, "12", True, [], {}])
)


def one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message


def write(tmp: Path, name: str, data: bytes) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    p = tmp / name
    p.write_bytes(data)
    return p


def dump(obj) -> bytes:
    return json.dumps(obj, allow_nan=True).encode()


def assert_import_is_clean(paths):
    evidence, errors = import_evidence(paths)
    for err in errors:
        one_line(err.message if hasattr(err, "message") else str(err))
    for ev in evidence:
        for point in ev.points:
            for name, value in point.model_dump().items():
                if isinstance(value, float) and name != "request_rate":
                    assert math.isfinite(value) and value >= 0, (name, value)
    return evidence, errors


# ------------------------------------------------------------------ stream events
@SETTINGS
@given(st.binary(max_size=300) | json_values.map(dump))
def test_any_stream_event_is_a_checked_object_or_a_bad_event(payload):
    try:
        event = parse_event(payload)
    except BadEvent as exc:
        one_line(str(exc))
        return
    assert isinstance(event, dict)
    for choice in event.get("choices") or []:
        assert isinstance(choice, dict)


@SETTINGS
@given(
    usage=st.none() | st.dictionaries(st.sampled_from(["completion_tokens", "prompt_tokens"]), numbers),
    n_chunks=st.integers(0, 50),
    requested=st.integers(1, 50),
    api=st.sampled_from(["completions", "chat"]),
)
def test_reconciled_token_counts_are_never_absurd(usage, n_chunks, requested, api):
    r = RequestRecord("r", 0, 0.0, requested_output_tokens=requested, prompt_tokens=8)
    r.chunk_times_s = [0.01 * i for i in range(n_chunks)]
    r.chunk_tokens = [1] * n_chunks
    reconcile_tokens(r, usage, 8, api)
    assert isinstance(r.output_tokens, int) and not isinstance(r.output_tokens, bool)
    assert r.output_tokens >= n_chunks
    assert r.output_tokens <= max(requested, n_chunks)
    assert isinstance(r.prompt_tokens, int) and r.prompt_tokens >= 0
    if r.token_count_note is not None:
        one_line(r.token_count_note)


# ------------------------------------------------------------------ peer JSON
VLLM_KEYS = [
    "completed", "failed", "output_throughput", "request_throughput", "total_token_throughput", "duration",
    "max_concurrency", "request_rate", "mean_ttft_ms", "median_tpot_ms", "p99_itl_ms", "total_input_tokens",
    "output_lens", "ttfts", "itls", "errors", "model_id", "hardware", "packages", "input_len", "output_len", "date",
]  # fmt: skip


@SETTINGS
@given(st.dictionaries(st.sampled_from(VLLM_KEYS), json_values, min_size=1) | json_values)
def test_garbage_vllm_bench_files_are_imported_sanely_or_set_aside(tmp_path, obj):
    p = write(tmp_path / "vb", "bench.json", dump(obj))
    assert_import_is_clean([p])


@SETTINGS
@given(
    st.fixed_dictionaries(
        {"completed": numbers, "output_throughput": numbers},
        optional={k: numbers | json_values for k in VLLM_KEYS[3:12]},
    )
)
def test_vllm_bench_numbers_that_are_not_finite_non_negative_are_never_judged(tmp_path, obj):
    p = write(tmp_path / "vb2", "bench.json", dump(obj))
    evidence, errors = assert_import_is_clean([p])
    assert len(evidence) + len(errors) == 1


GL_METRIC = st.fixed_dictionaries(
    {},
    optional={
        "successful": st.fixed_dictionaries(
            {}, optional={"mean": numbers, "median": numbers, "percentiles": st.dictionaries(st.sampled_from(["p50", "p90", "p99"]), numbers)}
        )
        | json_values
    },
)  # fmt: skip


@SETTINGS
@given(
    st.fixed_dictionaries(
        {
            "benchmarks": st.lists(
                st.fixed_dictionaries(
                    {"metrics": st.dictionaries(st.sampled_from(["output_tokens_per_second", "time_to_first_token_ms", "request_totals", "inter_token_latency_ms"]), GL_METRIC | json_values)},
                    optional={"config": json_values, "duration": numbers},
                )
                | json_values,
                max_size=3,
            )
        },
        optional={"args": json_values, "output_extras": json_values},
    )
)  # fmt: skip
def test_garbage_guidellm_reports_are_imported_sanely_or_set_aside(tmp_path, obj):
    p = write(tmp_path / "gl", "report.json", dump(obj))
    assert_import_is_clean([p])


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_as_a_peer_file_are_imported_sanely_or_set_aside(tmp_path, data):
    p = write(tmp_path / "raw", "x.json", data)
    assert_import_is_clean([p])


def test_a_json_nested_200000_levels_deep_is_set_aside_in_one_line(tmp_path):
    p = write(tmp_path, "deep.json", b"[" * 200_000 + b"]" * 200_000)
    evidence, errors = assert_import_is_clean([p])
    assert not evidence and "nested too deeply" in errors[0].message


def test_a_named_pipe_a_device_and_a_symlink_loop_are_set_aside_without_blocking(tmp_path):
    import os

    ev = tmp_path / "ev"
    ev.mkdir()
    os.mkfifo(ev / "pipe.json")
    (ev / "zero.json").symlink_to("/dev/zero")
    (ev / "loop").symlink_to(ev)
    (ev / "self.yaml").symlink_to(ev / "self.yaml")
    evidence, errors = assert_import_is_clean([ev])
    text = " | ".join(e.message for e in errors)
    assert "pipe.json: a named pipe; evidence must be a regular file" in text
    assert "zero.json: a device; evidence must be a regular file" in text
    assert "symlink loop" in text and "self.yaml" in text
    assert not evidence


def test_an_empty_evidence_folder_is_an_error_not_silence(tmp_path):
    (tmp_path / "empty").mkdir()
    evidence, errors = import_evidence([tmp_path / "empty"])
    assert not evidence and "holds no evidence" in errors[0].message


# ------------------------------------------------------------------ bundles
@SETTINGS
@given(
    st.fixed_dictionaries(
        {"schema_version": st.just(1) | json_values},
        optional={"run_id": json_values, "status": json_values, "levels_completed": json_values},
    )
    | json_values
)
def test_garbage_manifests_are_one_line_user_errors_or_read(tmp_path, manifest):
    import polars as pl

    root = tmp_path / f"b{abs(hash(json.dumps(manifest, default=str))) % 10**9}"
    if root.exists():
        return
    root.mkdir()
    (root / "manifest.json").write_bytes(dump(manifest))
    pl.DataFrame({"level": [0]}).write_parquet(root / "requests.parquet")
    pl.DataFrame({"level": [0]}).write_parquet(root / "summary.parquet")
    with pytest.raises(UserError) as exc:  # no manifest here has every required column in requests
        read_bundle(root)
    one_line(str(exc.value))


# ------------------------------------------------------------------ claim and reference YAML
CLAIM_KEYS = ["id", "claimant", "source", "metric", "value", "unit", "comparator", "conditions", "readings"]


def claim_yaml(draw_dict) -> bytes:
    return yaml.safe_dump(draw_dict, allow_unicode=True).encode()


@SETTINGS
@given(st.dictionaries(st.sampled_from(CLAIM_KEYS), json_values) | json_values)
def test_garbage_claim_files_are_one_line_user_errors_or_valid_claims(tmp_path, data):
    p = write(tmp_path / "claims", "c.yaml", claim_yaml(data))
    try:
        load_claim(p)
    except UserError as exc:
        one_line(str(exc))


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_as_a_claim_file_are_one_line_user_errors(tmp_path, data):
    p = write(tmp_path / "claims", "raw.yaml", data)
    try:
        load_claim(p)
    except UserError as exc:
        one_line(str(exc))


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["source", "publisher", "results", "conditions", "coverage", "caveats"]), json_values
    )
    | json_values
)
def test_garbage_reference_files_are_one_line_user_errors_or_records(tmp_path, data):
    p = write(tmp_path / "ref", "r.yaml", claim_yaml(data))
    try:
        load_reference(p)
    except UserError as exc:
        one_line(str(exc))
    assert_import_is_clean([p])


# ------------------------------------------------------------------ measure options
NUMERIC_OPTIONS = [
    "input_len", "output_len", "num_prompts", "seed", "burstiness", "duration", "ramp_up", "warmup_prompts",
    "request_timeout", "server_timeout", "kv_cache_gib", "search_percentile", "port", "workers",
    "max_model_len", "vocab_size", "concurrency", "request_rate",
]  # fmt: skip


@SETTINGS
@given(st.dictionaries(st.sampled_from(NUMERIC_OPTIONS), numbers | st.text(max_size=8), min_size=1, max_size=3))
def test_any_numeric_options_are_valid_finite_values_or_one_line_user_errors(values):
    try:
        opts = MeasureOptions.build(**values)
    except UserError as exc:
        one_line(str(exc))
        return
    for name in NUMERIC_OPTIONS:
        v = getattr(opts, name)
        items = v if isinstance(v, list) else [v]
        for x in items:
            if isinstance(x, float) and name != "request_rate":
                assert math.isfinite(x), (name, x)


# ------------------------------------------------------------------ the redactor
secret_text = st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=8, max_size=40)


@SETTINGS
@given(secret=secret_text, before=st.text(max_size=40), after=st.text(max_size=40))
def test_a_secret_never_survives_redaction_wherever_it_sits(secret, before, after):
    for text in (before + secret + after, f"{before}Authorization: Bearer {secret}{after}", json.dumps({"h": secret})):
        assert secret not in Redactor([secret]).text(text)


@SETTINGS
@given(secret=st.text(alphabet=string.ascii_letters + string.digits, min_size=16, max_size=40), cut=st.integers(8, 40))
def test_a_clipped_copy_of_a_secret_is_masked_too(secret, cut):
    clipped = f"error body: {{'key': '{secret}'}}"[: len("error body: {'key': '") + cut]
    assert secret[:8] not in Redactor([secret]).text(clipped)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("GET http://user:pa55@host:8000/v1?api_key=abc&x=1", "GET http://***@host:8000/v1?api_key=***&x=1"),
        ('{"Authorization": "Bearer tok-123456"}', '{"Authorization": "***"}'),
        ("x-api-key: k-99 then more", "x-api-key: *** then more"),
        ("curl -H 'bearer abcdef1234'", "curl -H 'bearer ***'"),
    ],
)
def test_credentials_are_redacted_without_knowing_the_secret(text, expected):
    assert Redactor().text(text) == expected


# ------------------------------------------------------------------ non-finite figures in claims
def _claim_with_value(tmp_path: Path, value) -> Path:
    src = Path(__file__).resolve().parents[2] / "data" / "claims" / "cloudmatrix-infer-1943-decode-per-npu.yaml"
    data = yaml.safe_load(src.read_text())
    data["predicate"]["value"] = value
    return write(tmp_path, "claim.yaml", yaml.safe_dump(data).encode())


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1943.0])
def test_a_claim_whose_figure_is_not_finite_and_positive_is_a_user_error(tmp_path, value):
    with pytest.raises(UserError):
        load_claim(_claim_with_value(tmp_path, value))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -5.0])
def test_a_reference_whose_figure_is_not_finite_and_positive_is_a_user_error(tmp_path, value):
    src = Path(__file__).resolve().parents[2] / "data" / "reference" / "deepseek-h800-day6.yaml"
    data = yaml.safe_load(src.read_text())
    data["results"][0]["points"][0]["input_tok_per_s"] = value
    path = write(tmp_path, src.name, yaml.safe_dump(data).encode())
    with pytest.raises(UserError):
        load_reference(path)


def test_a_non_utf8_claim_file_is_one_line(tmp_path):
    path = write(tmp_path, "bad.yaml", b'id: x\ntitle: "\xff\xfe"\n')
    with pytest.raises(UserError, match=r"bad.yaml: not UTF-8 text \(byte 14\)") as exc:
        load_claim(path)
    one_line(str(exc.value))


def test_verify_on_an_empty_evidence_folder_exits_2_naming_it(tmp_path, capsys):
    from claimbench.cli import main

    (tmp_path / "empty").mkdir()
    code = main(["verify", "--evidence", str(tmp_path / "empty")])
    err = capsys.readouterr().err
    assert code == 2 and f"--evidence: {tmp_path / 'empty'} holds no evidence" in err


# ------------------------------------------------------------------ the one number check
@pytest.mark.parametrize(
    "value,kw,message",
    [
        (float("nan"), {}, "x must be a finite number, got nan"),
        (float("inf"), {"lo": 0}, "x must be a finite number, got inf"),
        (True, {}, "x must be a number, got 'True'"),
        ("12", {}, "x must be a number, got '12'"),
        (-1, {"lo": 0}, "x must be at least 0, got -1"),
        (0.0, {"lo": 0, "lo_open": True, "hi": 100}, "x must be greater than 0 and at most 100, got 0.0"),
        (1.5, {"integer": True}, "x must be an integer, got 1.5"),
        (2**63, {"hi": 2**63 - 1}, "x must be at most 9,223,372,036,854,775,807, got 9223372036854775808"),
    ],
)
def test_the_one_number_check_names_what_is_wrong(value, kw, message):
    from claimbench.numbers import BadNumber, checked_number

    with pytest.raises(BadNumber) as exc:
        checked_number(value, "x", **kw)
    assert str(exc.value) == message


def test_the_one_number_check_passes_good_numbers_unchanged():
    from claimbench.numbers import checked_number

    assert checked_number(None, "x", lo=0) is None
    assert checked_number(3, "x", lo=1, hi=3, integer=True) == 3
    assert checked_number(0.5, "x", lo=0, lo_open=True) == 0.5
