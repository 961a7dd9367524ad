"""``measure --fidelity REF``: speed at equal quality.

After the sweep, while the measured engine is still up, the first ``prompts`` prompts of the run
are sent once more, one at a time, asking for the chosen tokens and their log-probabilities
(in process: ``LLM.generate`` with ``logprobs=0``; served: ``/v1/completions`` with ``logprobs``
and ``return_tokens_as_token_ids``). Then the measured engine is stopped and a **reference** run
of the same weights on the same prompts is made with vLLM's offline engine at the reference
precision (``REF``: float32 by default), greedy — or, with ``REF`` = ``transformers``, with Hugging
Face Transformers on the CPU in float32 (an independent implementation of the same architecture:
its own kernels, attention and sampling loop). :mod:`claimbench.analyze.fidelity` compares the two.

The fidelity sample is taken at concurrency 1 after the sweep, so it describes the served
configuration (precision, quantization, speculative decoding, sampling), not one load level; its
figures and flag are copied onto every level of the summary. ``temperature`` (default 0: greedy,
as every measured request) is the served sample's sampling temperature — a non-zero value is a
deliberately changed setting and scores lower.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from claimbench.errors import UserError

REFERENCE_DTYPES = ("float32", "bfloat16", "float16")
REFERENCE_ENGINES = ("vllm", "transformers")
TRANSFORMERS_REF = "transformers"
"""``--fidelity transformers``: the reference is Hugging Face Transformers (CPU, float32), not vLLM."""


@dataclass(frozen=True)
class FidelityOptions:
    """Reference engine and precision, number of prompts compared, flag threshold, served sample's temperature."""

    reference_dtype: str = "float32"
    prompts: int = 8
    threshold: float = 0.9
    temperature: float = 0.0
    reference_engine: str = "vllm"

    @classmethod
    def from_ref(cls, ref: str, **kw: Any) -> FidelityOptions:
        """Options for ``--fidelity REF``: a vLLM reference precision, or ``transformers`` (float32)."""
        if ref == TRANSFORMERS_REF:
            return cls(reference_dtype="float32", reference_engine="transformers", **kw)
        if ref not in REFERENCE_DTYPES:
            raise UserError(f"--fidelity: {ref!r} is not one of {', '.join(REFERENCE_DTYPES + (TRANSFORMERS_REF,))}")
        return cls(reference_dtype=ref, **kw)


@dataclass
class Sample:
    """Chosen tokens and their log-probabilities per prompt (None where not returned)."""

    tokens: list[list[int]] = field(default_factory=list)
    logprobs: list[list[float | None]] = field(default_factory=list)


def _chosen_logprobs(token_ids: list[int], logprobs: Any) -> list[float | None]:
    out: list[float | None] = []
    for tok, entry in zip(token_ids, logprobs or []):
        lp = None
        try:
            item = entry[tok] if entry is not None else None
            lp = float(item.logprob) if item is not None else None
        except (KeyError, TypeError, AttributeError, IndexError):
            lp = None
        out.append(lp)
    out += [None] * (len(token_ids) - len(out))
    return out


def sample_llm(llm: Any, prompts: list, temperature: float, seed: int) -> Sample:
    """Tokens and chosen-token log-probabilities from an in-process vLLM ``LLM``."""
    from vllm import SamplingParams

    params = [
        SamplingParams(
            max_tokens=p.output_len,
            ignore_eos=True,
            detokenize=False,
            temperature=temperature,
            seed=seed + i,
            logprobs=0,
        )
        for i, p in enumerate(prompts)
    ]
    sample = Sample()
    for p, sp in zip(prompts, params):  # one at a time: no batch effects in the comparison
        out = llm.generate([{"prompt_token_ids": list(p.token_ids)}], sp, use_tqdm=False)[0].outputs[0]
        ids = list(out.token_ids)
        sample.tokens.append(ids)
        sample.logprobs.append(_chosen_logprobs(ids, out.logprobs))
    return sample


def sample_http(
    base_url: str, model: str, prompts: list, temperature: float, seed: int, timeout: float = 600
) -> Sample:
    """Tokens and chosen-token log-probabilities from a vLLM server's ``/v1/completions``."""
    sample = Sample()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for i, p in enumerate(prompts):
        body = {
            "model": model,
            "prompt": list(p.token_ids),
            "max_tokens": p.output_len,
            "temperature": temperature,
            "seed": seed + i,
            "ignore_eos": True,
            "logprobs": 1,
            "return_tokens_as_token_ids": True,
        }
        req = urllib.request.Request(
            base_url.rstrip("/") + "/v1/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with opener.open(req, timeout=timeout) as resp:
            choice = json.loads(resp.read(64 * 2**20))["choices"][0]
        lp = choice.get("logprobs") or {}
        toks = [int(str(t).rsplit(":", 1)[1]) for t in lp.get("tokens") or []]
        sample.tokens.append(toks)
        sample.logprobs.append([None if x is None else float(x) for x in lp.get("token_logprobs") or []])
    return sample


def sample_engine(engine: Any, prompts: list, opts: FidelityOptions, seed: int) -> Sample:
    """The measured engine's sample (offline or served); UserError for an engine it cannot sample."""
    if engine.name == "offline":
        return sample_llm(engine.llm, prompts, opts.temperature, seed)
    if engine.name == "serve" and engine.client is not None:
        return sample_http(engine.base_url, engine.client.model, prompts, opts.temperature, seed)
    raise UserError("--fidelity: needs --engine offline or serve (the reference runs the same local weights)")


def greedy_with_logprobs(model: Any, prompt: list[int], n: int) -> tuple[list[int], list[float]]:
    """``n`` greedy tokens of a Transformers causal LM after ``prompt`` and each one's log-probability.

    A plain loop over the key/value cache, so nothing stops at an end-of-sequence token (as vLLM's
    ``ignore_eos``) and no logits processor renormalizes the distribution the log-probability is read
    from (log-softmax of the raw logits in float32, as vLLM's ``logprobs``)."""
    import torch

    tokens: list[int] = []
    logprobs: list[float] = []
    with torch.inference_mode():
        out = model(input_ids=torch.tensor([prompt], dtype=torch.long), use_cache=True)
        for _ in range(n):
            logp = torch.log_softmax(out.logits[0, -1].float(), dim=-1)
            tok = int(torch.argmax(logp))
            tokens.append(tok)
            logprobs.append(float(logp[tok]))
            if len(tokens) < n:
                nxt = torch.tensor([[tok]], dtype=torch.long)
                out = model(input_ids=nxt, past_key_values=out.past_key_values, use_cache=True)
    return tokens, logprobs


def transformers_reference_sample(model: str, prompts: list, dtype: str = "float32") -> Sample:
    """Greedy tokens and log-probabilities of the same local weights in Hugging Face Transformers on the CPU."""
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the run's own progress display owns the terminal
    lm = AutoModelForCausalLM.from_pretrained(model, dtype=getattr(torch, dtype), local_files_only=True)
    lm.eval()
    sample = Sample()
    try:
        for p in prompts:  # one at a time, as the served sample
            toks, lps = greedy_with_logprobs(lm, list(p.token_ids), p.output_len)
            sample.tokens.append(toks)
            sample.logprobs.append(list(lps))
    finally:
        del lm
    return sample


def reference_sample(model: str, opts: FidelityOptions, prompts: list, seed: int, max_model_len: int | None) -> Sample:
    """Greedy tokens and log-probabilities of the same weights in vLLM's offline engine at ``opts.reference_dtype``
    (or in Transformers, for ``opts.reference_engine == "transformers"``)."""
    if opts.reference_engine == "transformers":
        return transformers_reference_sample(model, prompts, opts.reference_dtype)
    import os

    from claimbench.measurement.engines.amx import request_amx_permission
    from claimbench.measurement.engines.offline import prepare_cpu_environment

    os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
    prepare_cpu_environment(None)
    request_amx_permission()
    from vllm import LLM

    kw: dict[str, Any] = {
        "model": model,
        "dtype": opts.reference_dtype,
        "seed": seed,
        "skip_tokenizer_init": True,
        "enforce_eager": True,
        "max_logprobs": 1,
    }
    if max_model_len:
        kw["max_model_len"] = max_model_len
    llm = LLM(**kw)
    try:
        return sample_llm(llm, prompts, 0.0, seed)
    finally:
        try:
            llm.llm_engine.engine_core.shutdown()
        except Exception:
            pass
        del llm
        import gc

        gc.collect()


def fidelity_record(served: Sample, reference: Sample, opts: FidelityOptions, model: str, dtype: str | None) -> dict:
    """The manifest's ``fidelity``: settings, the pooled comparison and per-prompt divergences."""
    from claimbench.analyze.fidelity import compare_one, fidelity_summary

    per = [
        compare_one(s, r, slp, rlp)
        for s, r, slp, rlp in zip(served.tokens, reference.tokens, served.logprobs, reference.logprobs)
    ]
    return {
        "reference": {
            "engine": "transformers" if opts.reference_engine == "transformers" else "vllm offline",
            "model": model,
            "dtype": opts.reference_dtype,
            "sampling": "greedy",
        },
        "served": {"dtype": dtype, "temperature": opts.temperature, "concurrency": 1},
        **fidelity_summary(per, opts.threshold),
    }
