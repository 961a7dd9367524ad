"""Seeded synthetic workloads: token-id prompts of exact length and fixed (or ranged) output lengths.

Prompts are lists of token ids, so the input length is exact whatever the tokenizer (no
re-tokenization drift as in text-based random datasets). Output lengths are enforced with
``ignore_eos`` and ``max_tokens``; :func:`audit_output_lengths` counts requests that came back short.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from claimbench.errors import UserError

# Token ids below this are left out of random prompts (special tokens live there in most vocabularies).
FIRST_ORDINARY_TOKEN_ID = 4
# Used when the vocabulary size cannot be read (an endpoint with no local tokenizer or config):
# every current LLM vocabulary is at least this large.
SAFE_VOCAB_SIZE = 32000
# A level's prompts are built before it starts up to this many prompt tokens (a tuple of Python
# ints costs ~36 B per token: ~150 MB); prompts beyond it are built as they are sent.
PROMPT_POOL_MAX_TOKENS = 4_000_000


@dataclass(frozen=True)
class WorkloadSpec:
    """The synthetic workload: prompt and output lengths (or ranges), count, seed, vocabulary."""

    input_len: int
    output_len: int
    num_prompts: int
    seed: int
    vocab_size: int
    input_len_range: tuple[int, int] | None = None
    output_len_range: tuple[int, int] | None = None

    def validate(self, max_model_len: int | None = None) -> None:
        """Check the lengths against each other and the model's limit; a UserError names the option."""
        for name, v in (
            ("--input-len", self.input_len),
            ("--output-len", self.output_len),
            ("--num-prompts", self.num_prompts),
        ):
            if not isinstance(v, int) or v < 1:
                raise UserError(f"{name} must be a positive integer, got {v!r}")
        if self.vocab_size <= FIRST_ORDINARY_TOKEN_ID + 1:
            raise UserError(f"vocabulary size {self.vocab_size} is too small for random prompts")
        for name, r in (("--input-len-range", self.input_len_range), ("--output-len-range", self.output_len_range)):
            if r is not None and not (1 <= r[0] <= r[1]):
                raise UserError(f"{name} must be LO:HI with 1 <= LO <= HI, got {r[0]}:{r[1]}")
        if max_model_len is not None:
            longest = self.max_input_len + self.max_output_len
            if longest > max_model_len:
                raise UserError(
                    f"input + output length {longest} exceeds the model's maximum length {max_model_len} "
                    f"(--input-len {self.max_input_len}, --output-len {self.max_output_len})"
                )

    @property
    def max_input_len(self) -> int:
        """The longest prompt the workload asks for."""
        return self.input_len_range[1] if self.input_len_range else self.input_len

    @property
    def max_output_len(self) -> int:
        """The longest output the workload asks for."""
        return self.output_len_range[1] if self.output_len_range else self.output_len

    def as_dict(self) -> dict:
        """The workload for the manifest."""
        return {
            "input_len": self.input_len,
            "output_len": self.output_len,
            "num_prompts": self.num_prompts,
            "seed": self.seed,
            "vocab_size": self.vocab_size,
            "input_len_range": list(self.input_len_range) if self.input_len_range else None,
            "output_len_range": list(self.output_len_range) if self.output_len_range else None,
            "prompt_format": "token_ids",
        }


@dataclass(frozen=True)
class Prompt:
    """One prompt: its token ids and the output length requested."""

    index: int
    token_ids: tuple[int, ...]
    output_len: int
    text: str | None = None  # the prompt's text when it came from a data set (sent to the chat API)


class IndexedPrompts(Sequence[Prompt]):
    """A sequence of prompts built on demand by index: a subclass sets ``n_prompts`` and ``_one(i)``."""

    n_prompts: int

    def _one(self, i: int) -> Prompt:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.n_prompts

    @overload
    def __getitem__(self, i: int) -> Prompt: ...
    @overload
    def __getitem__(self, i: slice) -> list[Prompt]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._one(k) for k in range(*i.indices(self.n_prompts))]
        if i < 0:
            i += self.n_prompts
        if not 0 <= i < self.n_prompts:
            raise IndexError(f"prompt {i} out of range (0..{self.n_prompts - 1})")
        return self._one(i)

    def __iter__(self) -> Iterator[Prompt]:
        for i in range(self.n_prompts):
            yield self._one(i)


class PromptSet(IndexedPrompts):
    """``count`` prompts of ``spec``, generated lazily: prompt ``i`` is drawn from its own seeded
    generator (``seed``, ``stream``, ``i``) when it is asked for, so a plan of millions of prompts
    costs nothing up front and any prompt can be regenerated alone. Deterministic: the same spec,
    stream and index always give the same prompt."""

    def __init__(self, spec: WorkloadSpec, count: int, stream: int = 0):
        if count < 0:
            raise ValueError(f"count must be 0 or more, got {count}")
        self.spec, self.n_prompts, self.stream = spec, count, stream

    def __len__(self) -> int:
        return self.n_prompts

    def _one(self, i: int) -> Prompt:
        import numpy as np

        spec = self.spec
        rng = np.random.default_rng([spec.seed, self.stream, i])
        in_len = (
            int(rng.integers(spec.input_len_range[0], spec.input_len_range[1] + 1))
            if spec.input_len_range
            else spec.input_len
        )
        out_len = (
            int(rng.integers(spec.output_len_range[0], spec.output_len_range[1] + 1))
            if spec.output_len_range
            else spec.output_len
        )
        ids = rng.integers(FIRST_ORDINARY_TOKEN_ID, spec.vocab_size, size=in_len)
        return Prompt(i, tuple(ids.tolist()), out_len)

    def __repr__(self) -> str:
        return f"PromptSet({self.n_prompts} prompts, seed={self.spec.seed}, stream={self.stream})"

    def pool(self, max_tokens: int = PROMPT_POOL_MAX_TOKENS) -> PromptPool:
        """These prompts with the first ones built now (as many as fit ``max_tokens`` prompt tokens)."""
        n_built = min(self.n_prompts, max(1, max_tokens // max(1, self.spec.max_input_len)))
        return PromptPool(self, [self._one(i) for i in range(n_built)])


class PromptPool(Sequence[Prompt]):
    """A level's prompts, built before the level starts so that the send path only looks them up.

    Memory stays bounded: the first ``len(built)`` prompts are held (see :meth:`PromptSet.pool`),
    any beyond them come from ``source`` when asked for (identical prompts: the generation is
    deterministic)."""

    def __init__(self, source: Sequence[Prompt], built: list[Prompt]):
        self.source, self.built = source, built

    def __len__(self) -> int:
        return len(self.source)

    @overload
    def __getitem__(self, i: int) -> Prompt: ...
    @overload
    def __getitem__(self, i: slice) -> list[Prompt]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self.built[i] if 0 <= i < len(self.built) else self.source[i]

    def __iter__(self) -> Iterator[Prompt]:
        yield from self.built
        for i in range(len(self.built), len(self.source)):
            yield self.source[i]

    def __repr__(self) -> str:
        return f"PromptPool({len(self.built)} of {len(self)} prompts built)"


def prebuilt(prompts: Sequence[Prompt], max_tokens: int = PROMPT_POOL_MAX_TOKENS) -> Sequence[Prompt]:
    """The prompts of a level, built before it starts (a lazy :class:`PromptSet` becomes a bounded
    :class:`PromptPool`; lists and pools are already built and returned as they are)."""
    if isinstance(prompts, PromptSet):
        return prompts.pool(max_tokens)
    return prompts


def make_prompts(spec: WorkloadSpec, count: int | None = None, stream: int = 0) -> PromptSet:
    """Deterministic prompts for ``spec`` (a lazy :class:`PromptSet`); ``stream`` separates e.g.
    warmup (1) from measured (0)."""
    return PromptSet(spec, spec.num_prompts if count is None else count, stream)


def prompt_set_sha256(prompts: Iterable[Prompt]) -> str:
    """Hash of the prompt set (token ids and output lengths, in order) recorded in the manifest."""
    h = hashlib.sha256()
    for p in prompts:
        h.update(json.dumps([p.output_len, list(p.token_ids)], separators=(",", ":")).encode())
    return h.hexdigest()
