"""The built-in tiny model: a deterministic random-weight Llama with a locally trained tokenizer.

No model hub is reachable on CI machines, so tests and the default notebook parameters measure
this model. It is built once into a cache folder; the same ``TINY_VERSION`` gives byte-identical
files (weights from a seeded NumPy generator per tensor name, a BPE tokenizer trained on a seeded
synthetic corpus, JSON written with sorted keys). Real users pass a model name or path instead.

Architecture (also in data/models/tiny.yaml): Llama, hidden 128, 2 layers, 4 attention heads,
2 KV heads, head_dim 32 (vLLM's CPU attention rejects 16), intermediate 256, vocab 512, max
positions 1024.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

TINY_VERSION = "1"
TINY_NAME = "tiny"
TINY_CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 128,
    "intermediate_size": 256,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 32,
    "vocab_size": 512,
    "max_position_embeddings": 1024,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "hidden_act": "silu",
    "tie_word_embeddings": False,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "pad_token_id": 0,
    "torch_dtype": "bfloat16",
    "initializer_range": 0.02,
    "attention_bias": False,
    "mlp_bias": False,
}
_SPECIAL_TOKENS = ["<pad>", "<s>", "</s>", "<unk>"]
_SEED = 20261122


def cache_dir() -> Path:
    """Where built models live: ``$CLAIMBENCH_CACHE`` or ``~/.cache/claimbench``."""
    root = os.environ.get("CLAIMBENCH_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "claimbench"


def tiny_model_path(root: Path | None = None) -> Path:
    """Where the built-in tiny model of this version lives."""
    return (root or cache_dir()) / "models" / f"tiny-v{TINY_VERSION}"


def _tensor_shapes(cfg: dict) -> dict[str, tuple[int, ...]]:
    h, i, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    hd = cfg["head_dim"]
    q, kv = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    shapes: dict[str, tuple[int, ...]] = {
        "model.embed_tokens.weight": (v, h),
        "model.norm.weight": (h,),
        "lm_head.weight": (v, h),
    }
    for layer in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        shapes |= {
            p + "input_layernorm.weight": (h,),
            p + "post_attention_layernorm.weight": (h,),
            p + "self_attn.q_proj.weight": (q, h),
            p + "self_attn.k_proj.weight": (kv, h),
            p + "self_attn.v_proj.weight": (kv, h),
            p + "self_attn.o_proj.weight": (h, q),
            p + "mlp.gate_proj.weight": (i, h),
            p + "mlp.up_proj.weight": (i, h),
            p + "mlp.down_proj.weight": (h, i),
        }
    return shapes


def _weights(cfg: dict) -> dict:
    import numpy as np
    import torch

    tensors = {}
    for name, shape in sorted(_tensor_shapes(cfg).items()):
        if name.endswith("norm.weight"):
            arr = np.ones(shape, dtype=np.float32)
        else:
            seed = int.from_bytes(hashlib.sha256(f"{_SEED}:{name}".encode()).digest()[:8], "little")
            arr = np.random.default_rng(seed).normal(0.0, cfg["initializer_range"], size=shape).astype(np.float32)
        tensors[name] = torch.from_numpy(arr).to(torch.bfloat16).contiguous()
    return tensors


def _corpus(n_lines: int = 4000) -> list[str]:
    """A seeded synthetic corpus: pseudo-words from a fixed syllable set."""
    import numpy as np

    rng = np.random.default_rng(_SEED)
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ru",
        "sa",
        "to",
        "vi",
        "be",
        "do",
        "fu",
        "ga",
        "hi",
        "je",
        "pu",
        "qo",
        "ze",
        "wa",
        "xi",
        "yo",
        "an",
        "el",
        "is",
        "on",
        "ut",
        "ch",
        "th",
        "st",
    ]
    lines = []
    for _ in range(n_lines):
        words = []
        for _ in range(int(rng.integers(4, 14))):
            words.append("".join(syllables[j] for j in rng.integers(0, len(syllables), size=int(rng.integers(1, 4)))))
        lines.append(" ".join(words) + rng.choice([".", ",", "!", "?"]))
    return lines


def _train_tokenizer(vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=_SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_corpus(), trainer=trainer)
    return tok


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def build_tiny_model(root: Path | None = None) -> Path:
    """Build the tiny model into the cache once and return its folder (idempotent, atomic).

    Concurrent builders are safe: each builds into a temporary folder and renames it into place;
    the loser discards its copy.
    """
    target = tiny_model_path(root)
    if (target / "model.safetensors").exists():
        return target
    from safetensors.torch import save_file

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tiny-build-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        cfg = dict(TINY_CONFIG)
        save_file(_weights(cfg), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        _write_json(tmp / "config.json", cfg)
        _write_json(tmp / "generation_config.json", {"bos_token_id": 1, "eos_token_id": 2, "do_sample": False})
        tok = _train_tokenizer(int(cfg["vocab_size"]))  # type: ignore[call-overload]
        (tmp / "tokenizer.json").write_text(tok.to_str(pretty=True) + "\n")
        _write_json(
            tmp / "tokenizer_config.json",
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "bos_token": "<s>",
                "eos_token": "</s>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
                "model_max_length": cfg["max_position_embeddings"],
                "clean_up_tokenization_spaces": False,
                # a plain template so the chat API can be measured too
                "chat_template": "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}assistant:",
            },
        )
        _write_json(
            tmp / "special_tokens_map.json",
            {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"},
        )
        _write_json(
            tmp / "claimbench_tiny.json",
            {
                "name": TINY_NAME,
                "version": TINY_VERSION,
                "seed": _SEED,
                "note": "random weights: outputs are meaningless; for timing only",
            },
        )
        try:
            Path(tmp).rename(target)
        except OSError:
            if not (target / "model.safetensors").exists():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def files_digest(path: Path) -> str:
    """sha256 over the sorted file names and contents of a model folder."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(path).iterdir() if p.is_file()):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def resolve_model(model: str) -> str:
    """Map the ``tiny`` alias to the built folder; pass any other name or path through."""
    if model == TINY_NAME:
        return str(build_tiny_model())
    return model
