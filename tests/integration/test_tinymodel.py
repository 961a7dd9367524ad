import json

from claimbench.measurement.tinymodel import TINY_CONFIG, build_tiny_model, files_digest


def test_the_tiny_model_builds_byte_identically_in_two_places(tmp_path):
    a = build_tiny_model(tmp_path / "a")
    b = build_tiny_model(tmp_path / "b")
    assert files_digest(a) == files_digest(b)
    assert {p.name for p in a.iterdir()} >= {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
    }


def test_building_again_is_a_no_op(tmp_path):
    a = build_tiny_model(tmp_path)
    mtime = (a / "model.safetensors").stat().st_mtime_ns
    assert build_tiny_model(tmp_path) == a and (a / "model.safetensors").stat().st_mtime_ns == mtime


def test_the_config_and_tokenizer_agree_on_the_vocabulary(tmp_path):
    from tokenizers import Tokenizer

    a = build_tiny_model(tmp_path)
    assert json.loads((a / "config.json").read_text())["vocab_size"] == TINY_CONFIG["vocab_size"]
    tok = Tokenizer.from_file(str(a / "tokenizer.json"))
    assert tok.get_vocab_size() == TINY_CONFIG["vocab_size"]
    assert tok.decode(tok.encode("kalo mine ruth").ids) == "kalo mine ruth"
