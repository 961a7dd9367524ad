"""Workloads from files and data sets: prompt files, ShareGPT, local Hugging Face data sets, length
distributions.

Every source becomes a list of token-id :class:`~claimbench.measurement.workload.Prompt` s, so
every engine (in-process vLLM without a tokenizer, ``vllm serve --skip-tokenizer-init``, any
OpenAI endpoint) receives exactly the tokens counted here. Text is tokenized with the served
model's own tokenizer (its folder, or ``--tokenizer``), so the input lengths recorded are the
lengths the model sees; the text is kept beside the ids for the chat API.

Sources (``--dataset PATH``, format from the extension or ``--dataset-format``):

- ``jsonl``: one JSON object per line with ``prompt`` (or ``text``) as a string, or
  ``prompt_token_ids`` (or ``token_ids``) as a list of integers; optional ``output_len`` (or
  ``output_tokens``, ``max_tokens``).
- ``csv``: a header row with the same column names; token ids as a JSON list (``[1, 2]``) or
  separated by spaces.
- ``sharegpt``: the JSON list ``vllm bench serve --dataset-name sharegpt`` reads: entries with a
  ``conversations`` list of ``{"from": ..., "value": ...}``; entries with fewer than two turns are
  skipped; the first turn is the prompt, the second turn's token count the output length.
- ``hf``: a local Hugging Face data set folder (``save_to_disk`` arrow files, or a snapshot with
  parquet / jsonl / csv files), the column named by ``--dataset-column``.
- ``lengths``: a length distribution as data (YAML or JSON: ``input`` and ``output`` with
  ``mean``, ``std``, ``min``, ``max`` and ``percentiles``), for a benchmark whose data set cannot
  be shipped; prompts are synthesized to match it.

Each source is recorded in the manifest (``dataset``): format, path, SHA-256 of the file(s),
rows read, used and skipped (with reasons), and the ISL/OSL statistics of the prompts used.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from claimbench.errors import UserError
from claimbench.measurement.workload import FIRST_ORDINARY_TOKEN_ID, IndexedPrompts, Prompt

FORMATS = ("auto", "jsonl", "csv", "sharegpt", "hf", "lengths")
TEXT_KEYS = ("prompt", "text")
ID_KEYS = ("prompt_token_ids", "token_ids")
OUTPUT_KEYS = ("output_len", "output_tokens", "max_tokens")
HF_FILE_SUFFIXES = (".arrow", ".parquet", ".jsonl", ".json", ".csv")
MAX_DATASET_BYTES = 4 * 2**30


@dataclass(frozen=True)
class DatasetRow:
    """One parsed row, before tokenization: text or token ids, and the output length if the row has one.

    ``completion`` is the reference answer's text (ShareGPT): its token count becomes the output length.
    """

    text: str | None = None
    token_ids: tuple[int, ...] | None = None
    output_len: int | None = None
    completion: str | None = None


class Tokenizer(Protocol):
    """What a tokenizer must do here: text in, token ids out (with the model's special tokens)."""

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``, special tokens included as the model adds them."""
        ...


# ---------------------------------------------------------------------------------------- parsers
def _positive_int(value: Any, where: str, name: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or isinstance(value, float)
        and not value.is_integer()
    ):
        raise UserError(f"{where}: {name} must be a positive integer, got {value!r}")
    if value < 1:
        raise UserError(f"{where}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _token_ids(value: Any, where: str, name: str) -> tuple[int, ...]:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text) if text.startswith("[") else [int(x) for x in text.replace(",", " ").split()]
        except (ValueError, json.JSONDecodeError):
            raise UserError(f"{where}: {name} must be a list of integers, got {value[:60]!r}") from None
    if not isinstance(value, list) or not value:
        raise UserError(f"{where}: {name} must be a non-empty list of integers")
    out = []
    for t in value:
        if isinstance(t, bool) or not isinstance(t, int) or t < 0:
            raise UserError(f"{where}: {name} must hold non-negative integers, got {t!r}")
        out.append(t)
    return tuple(out)


def row_from_mapping(obj: Any, where: str) -> DatasetRow:
    """A row from one JSON object or CSV record: text or token ids, optional output length."""
    if not isinstance(obj, dict):
        raise UserError(f"{where}: expected an object with 'prompt' or 'prompt_token_ids', got {type(obj).__name__}")
    text_key = next((k for k in TEXT_KEYS if obj.get(k) not in (None, "")), None)
    ids_key = next((k for k in ID_KEYS if obj.get(k) not in (None, "")), None)
    if text_key and ids_key:
        raise UserError(f"{where}: give either {text_key!r} or {ids_key!r}, not both")
    if not text_key and not ids_key:
        raise UserError(f"{where}: no prompt: expected one of {', '.join(TEXT_KEYS + ID_KEYS)}")
    out_key = next((k for k in OUTPUT_KEYS if obj.get(k) not in (None, "")), None)
    out_len = None
    if out_key:
        raw = obj[out_key]
        if isinstance(raw, str):
            try:
                raw = float(raw.strip())
            except ValueError:
                raise UserError(f"{where}: {out_key} must be a positive integer, got {obj[out_key]!r}") from None
        out_len = _positive_int(raw, where, out_key)
    if text_key:
        text = obj[text_key]
        if not isinstance(text, str):
            raise UserError(f"{where}: {text_key} must be a string, got {type(text).__name__}")
        return DatasetRow(text=text, output_len=out_len)
    return DatasetRow(token_ids=_token_ids(obj[ids_key], where, str(ids_key)), output_len=out_len)


def parse_jsonl(text: str, source: str) -> list[DatasetRow]:
    """Rows of a JSONL prompt file (blank lines skipped); a bad line is one error naming its number."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise UserError(f"{source} line {n}: not JSON ({exc})") from None
        rows.append(row_from_mapping(obj, f"{source} line {n}"))
    if not rows:
        raise UserError(f"{source}: no prompts in the file")
    return rows


def parse_csv(text: str, source: str) -> list[DatasetRow]:
    """Rows of a CSV prompt file with a header naming the columns (see the module docstring)."""
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
        if not any(f in fields for f in TEXT_KEYS + ID_KEYS):
            raise UserError(f"{source}: the header needs a column named one of {', '.join(TEXT_KEYS + ID_KEYS)}")
        rows = [row_from_mapping(dict(r), f"{source} row {n}") for n, r in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise UserError(f"{source}: not a CSV file ({exc})") from None
    if not rows:
        raise UserError(f"{source}: no prompts in the file")
    return rows


def parse_sharegpt(obj: Any, source: str) -> tuple[list[DatasetRow], int]:
    """Rows of a ShareGPT file and the number of entries skipped (fewer than two turns, as vLLM does)."""
    if not isinstance(obj, list):
        raise UserError(f"{source}: a ShareGPT file is a JSON list of entries with 'conversations'")
    rows, skipped = [], 0
    for n, entry in enumerate(obj):
        conv = entry.get("conversations") if isinstance(entry, dict) else None
        if not isinstance(conv, list) or len(conv) < 2:
            skipped += 1
            continue
        turns = []
        for k in (0, 1):
            turn = conv[k]
            value = turn.get("value") if isinstance(turn, dict) else None
            if not isinstance(value, str):
                raise UserError(f"{source} entry {n}: conversations[{k}].value must be a string")
            turns.append(value)
        rows.append(DatasetRow(text=turns[0], completion=turns[1]))
    if not rows:
        raise UserError(f"{source}: no entry has a conversation of two or more turns")
    return rows, skipped


# ------------------------------------------------------------------------- length distributions
@dataclass(frozen=True)
class LengthStats:
    """A length distribution as data: mean, spread, bounds and percentiles (any may be missing)."""

    mean: float | None = None
    std: float | None = None
    min: int | None = None
    max: int | None = None
    percentiles: dict[float, float] = field(default_factory=dict)

    def sample(self, rng: Any, n: int) -> list[int]:
        """``n`` lengths drawn to match: percentiles by interpolating the inverse CDF between the
        given points (min and max as p0 and p100), else a log-normal with the mean and spread,
        else the mean itself; always clipped to [min, max] and at least 1."""
        lo = max(1, self.min or 1)
        hi = self.max if self.max is not None else 10**9
        if self.percentiles:
            pts = sorted(self.percentiles.items())
            qs = [0.0] + [q for q, _ in pts] + [100.0]
            vs = [float(self.min if self.min is not None else pts[0][1])] + [v for _, v in pts]
            vs.append(float(self.max if self.max is not None else pts[-1][1]))
            import numpy as np

            u = rng.uniform(0, 100, size=n)
            raw = np.interp(u, qs, vs)
        elif self.mean is not None and self.std:
            ratio = self.std / self.mean
            sigma2 = 2 * math.log(ratio) if ratio > 1e100 else math.log1p(ratio * ratio)  # ratio² would overflow
            raw = rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), size=n)
        elif self.mean is not None:
            raw = [self.mean] * n
        else:
            raise ValueError("a length distribution needs percentiles or a mean")
        return [int(round(min(hi, max(lo, float(x))))) for x in raw]  # clipped first: a draw may be inf

    def as_dict(self) -> dict[str, Any]:
        """The stated figures, for the manifest (percentiles keyed ``p50`` …)."""
        return {
            "mean": self.mean,
            "std": self.std,
            "min": self.min,
            "max": self.max,
            "percentiles": {f"p{q:g}": v for q, v in sorted(self.percentiles.items())},
        }


_STAT_KEYS = {"mean", "std", "min", "max", "percentiles"}


def _stats_from(obj: Any, where: str) -> LengthStats:
    if not isinstance(obj, dict):
        raise UserError(f"{where}: expected a mapping with mean, std, min, max, percentiles")
    unknown = set(obj) - _STAT_KEYS
    if unknown:
        raise UserError(f"{where}: unknown key {sorted(unknown)[0]!r}; use {', '.join(sorted(_STAT_KEYS))}")

    def number(key: str) -> float | None:
        v = obj.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise UserError(f"{where}.{key}: must be a finite non-negative number, got {v!r}")
        return float(v)

    pct: dict[float, float] = {}
    raw_pct = obj.get("percentiles") or {}
    if not isinstance(raw_pct, dict):
        raise UserError(f"{where}.percentiles: must be a mapping such as {{p50: 120, p90: 400}}")
    for key, v in raw_pct.items():
        try:
            q = float(str(key).lstrip("pP"))
        except ValueError:
            raise UserError(f"{where}.percentiles: key {key!r} is not a percentile such as p50") from None
        if not 0 < q < 100 or isinstance(v, bool) or not isinstance(v, (int, float)) or not 1 <= v < 1e12:
            raise UserError(f"{where}.percentiles.{key}: needs 0 < q < 100 and a length >= 1, got {v!r}")
        pct[q] = float(v)
    values = [pct[q] for q in sorted(pct)]
    if values != sorted(values):
        raise UserError(f"{where}.percentiles: lengths must not decrease with the percentile")
    mean, std, lo, hi = number("mean"), number("std"), number("min"), number("max")
    if mean is None and not pct:
        raise UserError(f"{where}: needs a mean or percentiles")
    if mean is not None and mean < 1:
        raise UserError(f"{where}.mean: must be at least 1, got {mean}")
    if hi is not None and hi < 1:
        raise UserError(f"{where}.max: must be at least 1 (a length in tokens), got {hi:g}")
    if lo is not None and hi is not None and lo > hi:
        raise UserError(f"{where}: min {lo:g} is above max {hi:g}")
    return LengthStats(mean, std, None if lo is None else int(lo), None if hi is None else int(hi), pct)


def parse_lengths(obj: Any, source: str) -> dict[str, Any]:
    """A length-distribution document: ``input`` and ``output`` (LengthStats), optional ``name``,
    ``source`` (where the figures come from) and ``schema``; unknown keys are rejected."""
    if not isinstance(obj, dict):
        raise UserError(f"{source}: a length distribution is a mapping with 'input' and 'output'")
    unknown = set(obj) - {"schema", "name", "source", "input", "output"}
    if unknown:
        raise UserError(f"{source}: unknown key {sorted(unknown)[0]!r}")
    for key in ("input", "output"):
        if key not in obj:
            raise UserError(f"{source}: missing {key!r} (a mapping with mean/std/min/max/percentiles)")
    return {
        "name": obj.get("name"),
        "source": obj.get("source"),
        "input": _stats_from(obj["input"], f"{source}: input"),
        "output": _stats_from(obj["output"], f"{source}: output"),
    }


# --------------------------------------------------------------------------------- file reading
def detect_format(path: Path) -> str:
    """The format implied by a path: a folder is a Hugging Face data set; else by extension."""
    if path.is_dir():
        return "hf"
    name = path.name.lower()
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".yaml", ".yml")):
        return "lengths"
    if name.endswith(".json"):
        try:
            with path.open("rb") as fh:
                head = fh.read(4096).lstrip()
        except OSError as exc:
            raise UserError(f"--dataset: cannot read {path}: {exc.strerror or exc}") from None
        return "sharegpt" if head.startswith(b"[") else "lengths"
    raise UserError(
        f"--dataset: cannot tell the format of {path.name}; pass --dataset-format ({', '.join(FORMATS[1:])})"
    )


def files_sha256(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (sorted relative names and contents)."""
    h = hashlib.sha256()
    if path.is_file():
        h.update(path.read_bytes())
        return h.hexdigest()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        h.update(str(f.relative_to(path)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_DATASET_BYTES:
            raise UserError(f"--dataset: {path} is larger than {MAX_DATASET_BYTES >> 30} GiB")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"--dataset: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"--dataset: cannot read {path}: {exc.strerror or exc}") from None


def _hf_files(path: Path) -> list[Path]:
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in HF_FILE_SUFFIXES)
    files = [f for f in files if f.name not in ("dataset_info.json", "state.json", "dataset_dict.json")]
    if not files:
        raise UserError(f"--dataset: {path} holds no .arrow, .parquet, .jsonl, .json or .csv files")
    return files


def _hf_table(f: Path):
    import pyarrow as pa

    if f.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(f)
    if f.suffix == ".arrow":
        with pa.memory_map(str(f)) as src:
            try:
                return pa.ipc.open_stream(src).read_all()
            except pa.ArrowInvalid:
                return pa.ipc.open_file(src).read_all()
    import pyarrow.json as pj

    if f.suffix == ".csv":
        import pyarrow.csv as pc

        return pc.read_csv(f)
    return pj.read_json(f)


def read_hf_dataset(path: Path, column: str, output_column: str | None = None) -> list[DatasetRow]:
    """Rows of a local Hugging Face data set folder: ``column`` holds text or token-id lists;
    ``output_column`` (optional) the output length of each row."""
    rows: list[DatasetRow] = []
    for f in _hf_files(path):
        try:
            table = _hf_table(f)
        except Exception as exc:  # pyarrow raises many kinds for a bad file
            raise UserError(f"--dataset: cannot read {f}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
        if column not in table.column_names:
            raise UserError(
                f"--dataset-column: {f.name} has no column {column!r} (it has {', '.join(table.column_names)})"
            )
        if output_column and output_column not in table.column_names:
            raise UserError(f"--dataset-output-column: {f.name} has no column {output_column!r}")
        values = table.column(column).to_pylist()
        outs = table.column(output_column).to_pylist() if output_column else [None] * len(values)
        for n, (v, o) in enumerate(zip(values, outs)):
            where = f"{f.name} row {n}"
            obj = {"prompt" if isinstance(v, str) else "prompt_token_ids": v, "output_len": o}
            rows.append(row_from_mapping(obj, where))
    if not rows:
        raise UserError(f"--dataset: {path} has no rows")
    return rows


# ------------------------------------------------------------------------------------ tokenizer
def load_tokenizer(path: str) -> Tokenizer:
    """The tokenizer of a local model folder (Transformers' fast tokenizer, local files only)."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise UserError(f"--tokenizer: {path!r} is not a local folder; text prompts need the model's tokenizer")
    try:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:
        raise UserError(f"--tokenizer: cannot load a tokenizer from {folder}: {str(exc).splitlines()[0]}") from None
    return _HfTokenizer(tok)


class _HfTokenizer:
    def __init__(self, tok: Any):
        self.tok = tok

    def encode(self, text: str) -> list[int]:
        return list(self.tok(text).input_ids)


# -------------------------------------------------------------------------------- the prompt set
@dataclass(frozen=True)
class DatasetOptions:
    """What ``--dataset`` and its companions say (see :class:`~claimbench.measurement.options.MeasureOptions`)."""

    path: str
    format: str = "auto"
    column: str = "prompt"
    output_column: str | None = None
    output: str = "data"  # data: a row's own output length where it has one; fixed: --output-len always
    default_output_len: int = 128
    seed: int = 0
    vocab_size: int = 32000


class DatasetPrompts(IndexedPrompts):
    """A prompt set read from a data set: prompt ``i`` is row ``i`` (cycling when more prompts are
    asked than there are rows); warmup streams draw rows in a seeded order of their own."""

    def __init__(self, rows: list[Prompt], count: int, stream: int = 0, seed: int = 0):
        if not rows:
            raise ValueError("a data set prompt set needs at least one row")
        self.rows, self.n_prompts, self.stream, self.seed = rows, count, stream, seed
        self._order: list[int] | None = None
        if stream:
            import numpy as np

            self._order = [int(i) for i in np.random.default_rng([seed, stream]).permutation(len(rows))]

    def __len__(self) -> int:
        return self.n_prompts

    def _one(self, i: int) -> Prompt:
        k = i % len(self.rows)
        row = self.rows[self._order[k] if self._order else k]
        return Prompt(i, row.token_ids, row.output_len, row.text)


@dataclass
class DatasetSource:
    """Prompts from a data set and the manifest's record of it (``dataset``)."""

    rows: list[Prompt]
    record: dict[str, Any]
    seed: int = 0

    def make(self, count: int, stream: int = 0) -> DatasetPrompts:
        """``count`` prompts of stream ``stream`` (0 = measured, others = warmup)."""
        return DatasetPrompts(self.rows, count, stream, self.seed)

    @property
    def max_input_len(self) -> int:
        """The longest prompt in tokens."""
        return max(len(p.token_ids) for p in self.rows)

    @property
    def max_output_len(self) -> int:
        """The longest output in tokens."""
        return max(p.output_len for p in self.rows)


def length_stats(values: Sequence[int]) -> dict[str, Any]:
    """n, mean, std, min, p50, p90, p99, max of lengths (linear percentiles); empty → nulls."""
    if not values:
        return {"n": 0, "mean": None, "std": None, "min": None, "p50": None, "p90": None, "p99": None, "max": None}
    import numpy as np

    a = np.asarray(values, dtype=float)
    return {
        "n": int(a.size),
        "mean": float(a.mean()),
        "std": float(a.std()),
        "min": int(a.min()),
        "p50": float(np.percentile(a, 50)),
        "p90": float(np.percentile(a, 90)),
        "p99": float(np.percentile(a, 99)),
        "max": int(a.max()),
    }


def _needs_tokenizer(rows: list[DatasetRow]) -> bool:
    return any(r.text is not None or r.completion is not None for r in rows)


def _tokenize(
    rows: list[DatasetRow], tokenizer: Tokenizer | None, opts: DatasetOptions
) -> tuple[list[Prompt], dict[str, int]]:
    """Token-id prompts from rows; rows with no tokens are skipped and counted by reason."""
    skipped: dict[str, int] = {}
    prompts: list[Prompt] = []
    for row in rows:
        ids = row.token_ids if row.token_ids is not None else tuple(tokenizer.encode(row.text or ""))  # type: ignore[union-attr]
        if not ids:
            skipped["empty prompt"] = skipped.get("empty prompt", 0) + 1
            continue
        out_len = row.output_len
        if out_len is None and row.completion is not None:
            out_len = len(tokenizer.encode(row.completion)) or None  # type: ignore[union-attr]
            if out_len is None:
                skipped["empty completion"] = skipped.get("empty completion", 0) + 1
                continue
        if opts.output == "fixed" or out_len is None:
            out_len = opts.default_output_len
        prompts.append(Prompt(len(prompts), tuple(ids), int(out_len), row.text))
    return prompts, skipped


def _synthesize(doc: dict[str, Any], n: int, opts: DatasetOptions) -> list[Prompt]:
    import numpy as np

    rng = np.random.default_rng([opts.seed, 7])
    ins = doc["input"].sample(rng, n)
    outs = doc["output"].sample(rng, n)
    if opts.output == "fixed":
        outs = [opts.default_output_len] * n
    prompts = []
    for i, (a, b) in enumerate(zip(ins, outs)):
        ids = rng.integers(FIRST_ORDINARY_TOKEN_ID, opts.vocab_size, size=a)
        prompts.append(Prompt(i, tuple(ids.tolist()), b))
    return prompts


def load_dataset(opts: DatasetOptions, num_prompts: int, tokenizer_path: str | None) -> DatasetSource:
    """Read, parse and tokenize ``opts.path``; every problem is one UserError naming the file or option."""
    path = Path(opts.path).expanduser()
    if not path.exists():
        raise UserError(f"--dataset: no such file or folder {opts.path!r}")
    fmt = detect_format(path) if opts.format == "auto" else opts.format
    if fmt not in FORMATS[1:]:
        raise UserError(f"--dataset-format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt != "hf" and path.is_dir():
        raise UserError(f"--dataset: {path} is a folder; only --dataset-format hf reads folders")
    record: dict[str, Any] = {"format": fmt, "path": str(path), "sha256": files_sha256(path), "column": None}
    skipped: dict[str, int] = {}
    tokenizer_used = None
    if fmt == "lengths":
        doc = _read_lengths(path)
        prompts = _synthesize(doc, num_prompts, opts)
        record |= {
            "rows_read": None,
            "name": doc["name"],
            "figures_source": doc["source"],
            "target": {"input": doc["input"].as_dict(), "output": doc["output"].as_dict()},
        }
    else:
        rows, n_skipped = _read_rows(path, fmt, opts)
        if n_skipped:
            skipped["fewer than two turns"] = n_skipped
        tokenizer = None
        if _needs_tokenizer(rows):
            if not tokenizer_path:
                raise UserError(
                    f"--dataset: {path.name} holds text; it needs the served model's tokenizer (--tokenizer PATH)"
                )
            tokenizer = load_tokenizer(tokenizer_path)
            tokenizer_used = tokenizer_path
        prompts, more = _tokenize(rows, tokenizer, opts)
        skipped |= more
        record |= {"rows_read": len(rows) + n_skipped, "column": opts.column if fmt == "hf" else None}
        if not prompts:
            raise UserError(f"--dataset: {path.name}: no usable prompt ({skipped})")
    record |= {
        "rows_used": len(prompts),
        "rows_skipped": skipped,
        "repeated": num_prompts > len(prompts),
        "output_lengths": opts.output,
        "tokenizer": tokenizer_used,
        "isl_tokens": length_stats([len(p.token_ids) for p in prompts]),
        "osl_tokens": length_stats([p.output_len for p in prompts]),
        "has_text": any(p.text is not None for p in prompts),
    }
    return DatasetSource(prompts, record, opts.seed)


def _read_lengths(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            obj = yaml.safe_load(text)
        else:
            obj = json.loads(text)
    except Exception as exc:
        raise UserError(f"--dataset: {path} is not valid YAML/JSON ({str(exc).splitlines()[0]})") from None
    return parse_lengths(obj, str(path.name))


def _read_rows(path: Path, fmt: str, opts: DatasetOptions) -> tuple[list[DatasetRow], int]:
    if fmt == "hf":
        if not path.is_dir():
            raise UserError(f"--dataset: {path} is not a folder (a local Hugging Face data set is a folder)")
        return read_hf_dataset(path, opts.column, opts.output_column), 0
    text = _read_text(path)
    if fmt == "jsonl":
        return parse_jsonl(text, path.name), 0
    if fmt == "csv":
        return parse_csv(text, path.name)[:], 0
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise UserError(f"--dataset: {path.name} is not JSON ({exc})") from None
    return parse_sharegpt(obj, path.name)
