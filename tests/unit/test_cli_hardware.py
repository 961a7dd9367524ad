"""CLI: hardware list/show, normalize, roofline; one-line errors with exit status 2."""

from __future__ import annotations

import json

from claimbench.cli import main


def test_hardware_list_prints_every_accelerator(capsys):
    assert main(["hardware", "list"]) == 0
    out = capsys.readouterr().out
    assert "ascend-910c" in out and "nvidia-h20" in out and "cpu-host" in out


def test_hardware_list_json_is_parseable(capsys):
    assert main(["hardware", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["id"] == "nvidia-b200" and r["dies_per_package"] == 2 for r in rows)


def test_hardware_show_names_sources_and_alternatives(capsys):
    assert main(["hardware", "show", "ascend-910c"]) == 0
    out = capsys.readouterr().out
    assert "msmodeling" in out and "alternative" in out and "no native support" in out


def test_hardware_show_unknown_id_is_one_line_and_exit_2(capsys):
    assert main(["hardware", "show", "ascend-910x"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "did you mean 'ascend-910c'" in err


def test_normalize_prints_the_per_die_conversion(capsys):
    assert (
        main(["normalize", "--value", "1943", "--basis", "card", "--hardware", "ascend-910c", "--dtype", "int8"]) == 0
    )
    out = capsys.readouterr().out
    assert "1,943 tok/s per card ÷ 2 dies per package = 971.5 tok/s per die" in out


def test_normalize_json_rows(capsys):
    assert main(["normalize", "--value", "22282", "--basis", "node", "--hardware", "nvidia-h100-sxm", "--json"]) == 0
    rows = {r["form"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["per_card"]["value"] == 2785.25


def test_normalize_negative_value_exits_2(capsys):
    assert main(["normalize", "--value", "-1", "--basis", "card", "--hardware", "nvidia-h20"]) == 2
    assert "--value" in capsys.readouterr().err


def test_normalize_unsupported_dtype_exits_2(capsys):
    assert main(["normalize", "--value", "1", "--basis", "card", "--hardware", "ascend-910c", "--dtype", "fp8"]) == 2
    assert "fp8" in capsys.readouterr().err


def test_normalize_missing_value_exits_2(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["normalize", "--basis", "card", "--hardware", "nvidia-h20"])
    assert exc.value.code == 2


def test_normalize_cpu_host_with_user_figures(capsys):
    assert (
        main(
            [
                "normalize",
                "--value",
                "50",
                "--basis",
                "card",
                "--hardware",
                "cpu-host",
                "--dtype",
                "bf16",
                "--peak-tflops",
                "2",
                "--json",
            ]
        )
        == 0
    )
    rows = {r["form"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["per_dense_tflop"]["value"] == 25


def test_roofline_reports_the_binding_roof(capsys):
    assert (
        main(
            [
                "roofline",
                "--model",
                "llama-3.1-8b",
                "--hardware",
                "nvidia-h100-sxm",
                "--dtype",
                "bf16",
                "--context",
                "1024",
                "--batch",
                "1",
            ]
        )
        == 0
    )
    assert "memory-bound" in capsys.readouterr().out


def test_roofline_json_with_tpot_and_versus(capsys):
    assert (
        main(
            [
                "roofline",
                "--model",
                "deepseek-r1",
                "--hardware",
                "ascend-910c",
                "--dtype",
                "int8",
                "--kv-rope-dtype",
                "bf16",
                "--context",
                "3072",
                "--tpot-ms",
                "50",
                "--ep",
                "144",
                "--mtp",
                "1",
                "--acceptance",
                "0.9",
                "--versus",
                "nvidia-h20",
                "--versus-dtype",
                "fp8",
                "--versus-ep",
                "16",
                "--versus-measured",
                "675",
                "--prefill-tokens",
                "4096",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["decode_at_tpot"]["max_batch_per_device"] > 0
    assert out["ratio"]["ratio_per_package"] > 1 and out["prefill"]["binding"] == "compute"


def test_roofline_unknown_model_exits_2(capsys):
    assert (
        main(
            [
                "roofline",
                "--model",
                "deepseek-r2",
                "--hardware",
                "nvidia-h20",
                "--dtype",
                "fp8",
                "--context",
                "10",
                "--batch",
                "1",
            ]
        )
        == 2
    )
    assert "did you mean 'deepseek-r1'" in capsys.readouterr().err
