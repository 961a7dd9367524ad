"""Hardware and model registries: loading, lookup errors, schema strictness."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from claimbench.errors import UserError
from claimbench.load.registry import default_data_dir, list_hardware, list_models, load_hardware, load_model
from claimbench.schema.hardware import HardwareSpec, ModelArch

REQUIRED_HW = {
    "ascend-910b-376t",
    "ascend-910b-313t",
    "ascend-910b-280t",
    "ascend-910c",
    "nvidia-h20",
    "nvidia-h800-sxm",
    "nvidia-h100-sxm",
    "nvidia-h200-sxm",
    "nvidia-b200",
    "amd-mi300x",
    "cpu-host",
}
REQUIRED_MODELS = {
    "deepseek-v3",
    "deepseek-r1",
    "kimi-k2",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "qwen2.5-7b",
    "qwen2.5-32b",
    "qwen3-8b",
    "qwen3-32b",
    "qwen3-30b-a3b",
    "tiny",
}


def _copy_one(tmp_path: Path, sub: str, name: str) -> Path:
    (tmp_path / sub).mkdir(parents=True)
    dst = tmp_path / sub / f"{name}.yaml"
    shutil.copy(default_data_dir() / sub / f"{name}.yaml", dst)
    return dst


def test_every_required_accelerator_and_model_is_in_the_registry():
    assert {h.id for h in list_hardware()} >= REQUIRED_HW
    assert {m.id for m in list_models()} >= REQUIRED_MODELS


def test_the_910c_is_two_dies_and_the_910b_one():
    assert load_hardware("ascend-910c").dies_per_package == 2
    assert load_hardware("ascend-910b-376t").dies_per_package == 1


def test_peak_tflops_returns_the_dense_figure_for_a_supported_dtype():
    assert load_hardware("ascend-910c").peak_tflops("int8") == 1504
    assert load_hardware("nvidia-h20").peak_tflops("bfloat16") == 148


def test_peak_tflops_raises_a_user_error_for_fp8_on_ascend():
    with pytest.raises(UserError, match="no native fp8"):
        load_hardware("ascend-910b-376t").peak_tflops("fp8")


def test_peak_tflops_raises_for_an_unknown_figure_and_an_unknown_dtype():
    with pytest.raises(UserError, match="unknown"):
        load_hardware("cpu-host").peak_tflops("bf16")
    with pytest.raises(UserError, match="unknown dtype"):
        load_hardware("nvidia-h20").peak_tflops("fp64")


def test_unknown_hardware_id_suggests_the_closest():
    with pytest.raises(UserError, match="did you mean 'ascend-910c'"):
        load_hardware("ascend-910x")


def test_unknown_model_id_suggests_the_closest():
    with pytest.raises(UserError, match="did you mean 'deepseek-r1'"):
        load_model("deepseek-r2")


def test_lookup_ignores_case():
    assert load_hardware("NVIDIA-H20").id == "nvidia-h20"


def test_schema_rejects_an_unknown_key_and_names_file_and_field(tmp_path):
    path = _copy_one(tmp_path, "hardware", "nvidia-h20")
    raw = yaml.safe_load(path.read_text())
    raw["hbm_gb_per_s"] = 4000
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(UserError) as exc:
        load_hardware("nvidia-h20", data_dir=tmp_path)
    assert "nvidia-h20.yaml" in str(exc.value) and "hbm_gb_per_s" in str(exc.value)


def test_schema_rejects_a_wrongly_typed_nested_field(tmp_path):
    path = _copy_one(tmp_path, "models", "llama-3.1-8b")
    raw = yaml.safe_load(path.read_text())
    raw["layers"] = "thirty-two"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(UserError, match=r"llama-3.1-8b.yaml.*layers"):
        load_model("llama-3.1-8b", data_dir=tmp_path)


def test_a_zero_figure_is_rejected_because_missing_means_null():
    raw = yaml.safe_load((default_data_dir() / "hardware" / "nvidia-h20.yaml").read_text())
    raw["tdp_w"] = 0
    with pytest.raises(Exception):
        HardwareSpec.model_validate(raw)


def test_bad_yaml_is_a_one_line_user_error(tmp_path):
    (tmp_path / "hardware").mkdir()
    (tmp_path / "hardware" / "broken.yaml").write_text("id: broken\nvendor: [unclosed\n")
    with pytest.raises(UserError, match="broken.yaml.*invalid YAML"):
        load_hardware("broken", data_dir=tmp_path)


def test_file_name_and_id_must_agree(tmp_path):
    path = _copy_one(tmp_path, "hardware", "nvidia-h20")
    path.rename(tmp_path / "hardware" / "h20-copy.yaml")
    with pytest.raises(UserError, match="must equal the file name"):
        load_hardware("h20-copy", data_dir=tmp_path)


def test_claimbench_data_env_var_layers_a_users_file_over_the_shipped_one(tmp_path, monkeypatch):
    path = _copy_one(tmp_path, "hardware", "nvidia-h20")
    raw = yaml.safe_load(path.read_text())
    raw["tdp_w"] = 123
    path.write_text(yaml.safe_dump(raw))
    shipped = [h.id for h in list_hardware()]
    monkeypatch.setenv("CLAIMBENCH_DATA", str(tmp_path))
    assert [h.id for h in list_hardware()] == shipped  # the user's file replaces, nothing is lost
    assert load_hardware("nvidia-h20").tdp_w == 123


def test_a_scale_up_figure_must_state_its_direction():
    raw = yaml.safe_load((default_data_dir() / "hardware" / "nvidia-h20.yaml").read_text())
    del raw["scale_up_direction"]
    with pytest.raises(Exception, match="direction"):
        HardwareSpec.model_validate(raw)


def test_bidirectional_scale_up_is_halved_per_direction():
    assert load_hardware("nvidia-h100-sxm").scale_up_gb_per_s_per_direction == 450
    assert load_hardware("ascend-910b-376t").scale_up_gb_per_s_per_direction == 196


def test_user_overrides_fill_cpu_host_figures_with_a_user_source():
    h = load_hardware("cpu-host").with_overrides(peak_dense_tflops={"bf16": 2.5}, hbm_tb_per_s=0.2, tdp_w=250)
    assert h.peak_tflops("bf16") == 2.5 and h.tdp_w == 250
    assert h.sources_for("hbm_tb_per_s")[0].id == "user-override"


def test_tiny_model_matches_the_lead_s_tinymodel_config():
    from claimbench.measurement.tinymodel import TINY_CONFIG

    m = load_model("tiny")
    assert (m.hidden, m.layers, m.heads, m.kv_heads, m.head_dim, m.dense_ffn, m.vocab, m.max_context) == (
        TINY_CONFIG["hidden_size"],
        TINY_CONFIG["num_hidden_layers"],
        TINY_CONFIG["num_attention_heads"],
        TINY_CONFIG["num_key_value_heads"],
        TINY_CONFIG["head_dim"],
        TINY_CONFIG["intermediate_size"],
        TINY_CONFIG["vocab_size"],
        TINY_CONFIG["max_position_embeddings"],
    )
    assert m.tie_embeddings == TINY_CONFIG["tie_word_embeddings"]


def test_deepseek_models_use_mla_with_a_576_element_latent():
    m = load_model("deepseek-r1")
    assert m.attention == "mla"
    assert m.mla.kv_lora_rank + m.mla.qk_rope_head_dim == 576
    assert m.moe.experts_routed == 256 and m.moe.experts_active == 8 and m.mtp_modules == 1


def test_model_schema_requires_kv_heads_for_non_mla_attention():
    raw = yaml.safe_load((default_data_dir() / "models" / "llama-3.1-8b.yaml").read_text())
    del raw["kv_heads"]
    with pytest.raises(Exception, match="kv_heads"):
        ModelArch.model_validate(raw)
