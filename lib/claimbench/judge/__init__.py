"""Pure judging: normalization, roofline bounds, matching, plausibility, verdicts, comparison."""
