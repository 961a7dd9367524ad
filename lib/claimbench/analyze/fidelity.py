"""Fidelity: how far served outputs are from a reference run of the same weights (pure).

For each prompt, the served greedy tokens are compared with the reference's, position by position:

- ``identical_token_rate`` = tokens equal at the same position / reference tokens, pooled over prompts
  (1.0: every token the same);
- ``first_divergence`` = the first position where they differ (null: none within the shorter output);
- ``mean_abs_logprob_diff`` = mean |logprob_served − logprob_reference| of the chosen token over the
  positions **before** the first divergence (after it the two continue from different contexts, so
  their log-probabilities no longer describe the same event); null where no position has both.

A run whose ``identical_token_rate`` is below the threshold is flagged (``below_threshold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DEFAULT_THRESHOLD = 0.9


def compare_one(
    served: Sequence[int],
    reference: Sequence[int],
    served_lp: Sequence[float | None] | None = None,
    reference_lp: Sequence[float | None] | None = None,
) -> dict[str, Any]:
    """Agreement of one prompt's outputs (see the module docstring)."""
    n = min(len(served), len(reference))
    same = [served[i] == reference[i] for i in range(n)]
    first = next((i for i, s in enumerate(same) if not s), None)
    if first is None and len(served) != len(reference):
        first = n
    upto = n if first is None else first
    diffs = []
    if served_lp is not None and reference_lp is not None:
        for i in range(min(upto, len(served_lp), len(reference_lp))):
            a, b = served_lp[i], reference_lp[i]
            if a is not None and b is not None:
                diffs.append(abs(a - b))
    return {
        "identical_tokens": sum(same),
        "reference_tokens": len(reference),
        "first_divergence": first,
        "abs_logprob_diffs": diffs,
    }


def fidelity_summary(per_prompt: list[dict[str, Any]], threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Pool per-prompt comparisons: identical-token rate, divergence positions, mean |Δ logprob|, the flag."""
    ref_tokens = sum(p["reference_tokens"] for p in per_prompt)
    rate = sum(p["identical_tokens"] for p in per_prompt) / ref_tokens if ref_tokens else None
    diffs = [d for p in per_prompt for d in p["abs_logprob_diffs"]]
    firsts = [p["first_divergence"] for p in per_prompt if p["first_divergence"] is not None]
    return {
        "prompts": len(per_prompt),
        "reference_tokens": ref_tokens,
        "identical_token_rate": rate,
        "prompts_identical": sum(1 for p in per_prompt if p["first_divergence"] is None),
        "first_divergence_min": min(firsts) if firsts else None,
        "first_divergence_per_prompt": [p["first_divergence"] for p in per_prompt],
        "mean_abs_logprob_diff": sum(diffs) / len(diffs) if diffs else None,
        "threshold": threshold,
        "below_threshold": None if rate is None else rate < threshold,
    }
