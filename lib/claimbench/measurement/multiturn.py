"""Multi-turn sessions with a shared prefix, and the server's prefix-cache hit rate.

Production chat traffic repeats itself: every request of a deployment starts with the same
system prompt, and turn *k* of a conversation resends turns 1 … *k*−1. A server with prefix
caching computes those tokens once; synthetic independent prompts never exercise that.

A session of ``turns`` turns, prompt of turn *k* (token ids, exact lengths)::

    [shared prefix: prefix_len]  (same for every session)
    [user 1: user_len] [answer 1: output_len] … [user k-1] [answer k-1]   (this session's history)
    [user k: user_len]

so the prompt of turn *k* extends the prompt of turn *k*−1, and every prompt starts with the
shared prefix. The answers in the history are deterministic filler tokens of the requested
output length, not the model's own answer (the client does not read generated token ids), so a
cache can reuse the previous turn's *prompt* blocks, not its generated blocks.

Order and think time: prompts are numbered **turn-major** (turn 1 of every session, then turn 2 of
every session, …). Without ``think_time_s`` they flow continuously in that order: with more sessions
than requests in flight a turn is normally sent after its previous turn finished, and the gap is
what the load produces. With ``think_time_s`` every session is an independent user
(:class:`SessionSchedule`): it sends turn *k*+1 no sooner than ``think_time_s`` after its *own* turn
*k* ended, while the other sessions go on (one that is still waiting for its answer or thinking holds
nobody else back); a closed-loop level's concurrency caps how many turns are in flight, and among
the sessions ready to send the one ready longest goes first. Either way the manifest's
``multi_turn.ordering`` measures it: turns sent before their previous turn had finished and the
distribution of the gaps.

The hit rate comes from the engine's own counters — ``vllm:prefix_cache_queries`` and
``vllm:prefix_cache_hits`` (tokens), read from ``LLM.get_metrics()`` in process or from
``/metrics`` of the server claimbench started — as the difference over each level.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from claimbench.errors import UserError
from claimbench.measurement.workload import FIRST_ORDINARY_TOKEN_ID, IndexedPrompts, Prompt

QUERIES = "vllm:prefix_cache_queries"
HITS = "vllm:prefix_cache_hits"


@dataclass(frozen=True)
class MultiTurnSpec:
    """Sessions of ``turns`` turns over a ``prefix_len``-token shared prefix; ``user_len`` tokens per
    user message and ``output_len`` per answer; ``sessions`` conversations."""

    turns: int
    prefix_len: int
    user_len: int
    output_len: int
    sessions: int
    seed: int
    vocab_size: int
    think_time_s: float | None = None

    def validate(self) -> None:
        """Every count in range; one UserError naming the option."""
        if self.turns < 1:
            raise UserError(f"--multi-turn must be at least 1, got {self.turns}")
        if self.prefix_len < 0:
            raise UserError(f"--prefix-len must be 0 or more, got {self.prefix_len}")
        if self.sessions < 1:
            raise UserError(f"--sessions must be at least 1, got {self.sessions}")
        if self.think_time_s is not None and not 0 <= self.think_time_s <= 3600:
            raise UserError(f"--think-time must be in 0..3600 seconds, got {self.think_time_s}")

    @property
    def max_input_len(self) -> int:
        """The last turn's prompt: prefix + every user message + every earlier answer."""
        return self.prefix_len + self.turns * self.user_len + (self.turns - 1) * self.output_len

    def input_len_of(self, turn: int) -> int:
        """Prompt tokens of turn ``turn`` (0-based)."""
        return self.prefix_len + (turn + 1) * self.user_len + turn * self.output_len


def position(index: int, sessions: int, turns: int) -> tuple[int, int]:
    """(session, turn) of prompt ``index`` in turn-major order; past ``sessions × turns`` new sessions start."""
    block, within = divmod(index, sessions * turns)
    turn, session = divmod(within, sessions)
    return block * sessions + session, turn


class MultiTurnPrompts(IndexedPrompts):
    """The prompts of a stream, turn-major, built lazily from seeded generators per (session, part)."""

    def __init__(self, spec: MultiTurnSpec, count: int, stream: int = 0):
        self.spec, self.n_prompts, self.stream = spec, count, stream
        self._prefix = self._tokens(("prefix",), spec.prefix_len)

    def _tokens(self, key: tuple, n: int) -> tuple[int, ...]:
        import numpy as np

        parts = [self.spec.seed, 0 if key == ("prefix",) else 1 + self.stream] + [hash_part(k) for k in key]
        rng = np.random.default_rng(parts)
        return tuple(rng.integers(FIRST_ORDINARY_TOKEN_ID, self.spec.vocab_size, size=n).tolist())

    def __len__(self) -> int:
        return self.n_prompts

    def _one(self, i: int) -> Prompt:
        spec = self.spec
        session, turn = position(i, spec.sessions, spec.turns)
        ids = list(self._prefix)
        for k in range(turn):
            ids += self._tokens((session, k, "user"), spec.user_len)
            ids += self._tokens((session, k, "answer"), spec.output_len)
        ids += self._tokens((session, turn, "user"), spec.user_len)
        return Prompt(i, tuple(ids), spec.output_len)


def hash_part(k: Any) -> int:
    """A stable non-negative integer for a seed part (ints as they are, strings by their bytes)."""
    if isinstance(k, int):
        return k
    return int.from_bytes(str(k).encode()[:8].ljust(8, b"\0"), "little")


@dataclass
class MultiTurnSource:
    """Prompt source for the runner (``make(count, stream)``) and the manifest record."""

    spec: MultiTurnSpec

    def make(self, count: int, stream: int = 0) -> MultiTurnPrompts:
        """``count`` prompts of stream ``stream`` (0 measured, others warmup with their own user tokens)."""
        return MultiTurnPrompts(self.spec, count, stream)

    @property
    def max_input_len(self) -> int:
        """The last turn's prompt length."""
        return self.spec.max_input_len

    @property
    def max_output_len(self) -> int:
        """The answer length of every turn."""
        return self.spec.output_len

    @property
    def waves(self):
        """With ``think_time_s``: a callable giving the runner a level's prompts as one batch that carries its
        :class:`SessionSchedule` (``session_schedule``; the engines send each session's turns after its own
        think time); without: None (prompts flow turn-major without pauses)."""
        if self.spec.think_time_s is None:
            return None
        return self._waves

    def _waves(self, prompts: Sequence[Prompt]) -> Iterator[tuple[float, list[Prompt]]]:
        spec = self.spec
        yield (
            0.0,
            ScheduledPrompts(prompts, SessionSchedule(prompts, spec.sessions, spec.turns, spec.think_time_s or 0)),
        )

    def manifest(self, records: list) -> dict[str, Any]:
        """The manifest's ``multi_turn``: the settings and how the turns were actually ordered."""
        return {"multi_turn": {**self.record(), "ordering": ordering(records, self.spec.sessions, self.spec.turns)}}

    def record(self) -> dict[str, Any]:
        """The ``multi_turn`` settings."""
        return {
            **asdict(self.spec),
            "order": "turn-major",
            "history": "deterministic filler answers of output_len tokens (not the model's answers)",
            "input_len_per_turn": [self.spec.input_len_of(t) for t in range(self.spec.turns)],
        }


def prompt_index(request_id: str) -> int | None:
    """The prompt index in a request id (``…-p<index>``), or None."""
    try:
        return int(request_id.rsplit("-", 1)[1][1:])
    except (ValueError, IndexError):
        return None


class SessionSchedule:
    """When each session may send its next turn: after its own previous turn ended plus the think time.

    Pure bookkeeping on the caller's clock (seconds, any origin): :meth:`pop_ready` hands out the next
    turn of a session that is idle and past its think time, :meth:`done` records the end of a session's
    turn. A session's turns go out in order, one at a time; sessions are independent of each other.
    Among ready sessions the one ready longest goes first (ties: the lower session number)."""

    def __init__(self, prompts: Sequence[Prompt], sessions: int, turns: int, think_time_s: float):
        self.think_time_s = think_time_s
        self._todo: dict[int, list[Prompt]] = {}
        self._session_of: dict[int, int] = {}
        for p in prompts:
            session, _ = position(p.index, sessions, turns)
            self._todo.setdefault(session, []).append(p)
            self._session_of[p.index] = session
        self._ready_at: dict[int, float] = {s: float("-inf") for s in self._todo}
        self._busy: set[int] = set()

    def __bool__(self) -> bool:
        """Whether any turn is still to be sent."""
        return any(self._todo.values())

    def _next_session(self) -> int | None:
        idle = [s for s, todo in self._todo.items() if todo and s not in self._busy]
        return min(idle, key=lambda s: (self._ready_at[s], s)) if idle else None

    def next_ready_at(self) -> float | None:
        """The earliest time an idle session may send (-inf: now), or None while every session with turns left is busy."""
        s = self._next_session()
        return None if s is None else self._ready_at[s]

    def pop_ready(self, now: float) -> Prompt | None:
        """The next turn of the session ready longest at ``now`` (it becomes busy), or None when none is ready."""
        s = self._next_session()
        if s is None or self._ready_at[s] > now:
            return None
        self._busy.add(s)
        return self._todo[s].pop(0)

    def done(self, index: int | None, t: float) -> None:
        """Prompt ``index``'s turn ended at ``t`` (answered or failed): its session may send again at ``t`` + think time."""
        s = self._session_of.get(index) if index is not None else None
        if s is None:
            return
        self._busy.discard(s)
        self._ready_at[s] = t + self.think_time_s

    def clear(self) -> None:
        """Send nothing more (a duration bound was reached)."""
        for todo in self._todo.values():
            todo.clear()

    def notifying(self, on_request_done: Any = None) -> Any:
        """An ``on_request_done`` callback that first records the end of the request's turn here."""

        def done(rec: Any) -> None:
            self.done(prompt_index(rec.request_id), rec.done_s if rec.done_s is not None else float("-inf"))
            if on_request_done is not None:
                on_request_done(rec)

        return done


class SessionQueue:
    """A schedule as the offline engine's admission queue: the head is (ready time − level start, next turn)."""

    def __init__(self, schedule: SessionSchedule, start: float):
        self.schedule, self.start = schedule, start

    def __bool__(self) -> bool:
        return bool(self.schedule)

    def __getitem__(self, i: int) -> tuple[float, Prompt | None]:
        if i != 0 or not self.schedule:
            raise IndexError(i)
        at = self.schedule.next_ready_at()
        return (float("inf") if at is None else max(at - self.start, 0.0)), None

    def popleft(self) -> tuple[float, Prompt]:
        """The turn of the session ready longest (the head's; the caller checked it is due)."""
        offset, _ = self[0]
        prompt = self.schedule.pop_ready(float("inf"))
        assert prompt is not None  # the head was due, so a session was idle
        return offset, prompt

    def clear(self) -> None:
        """Send nothing more."""
        self.schedule.clear()


class ScheduledPrompts(list):
    """A level's prompts with the :class:`SessionSchedule` the engines send them by (``session_schedule``)."""

    def __init__(self, prompts: Sequence[Prompt], schedule: SessionSchedule):
        super().__init__(prompts)
        self.session_schedule = schedule


def ordering(records: list, sessions: int, turns: int) -> dict[str, Any]:
    """How the turns were actually sent: turns sent before their previous turn finished, and the
    gap from the previous turn's end to this turn's send (the think time the load produced), per level."""
    import statistics

    out: dict[str, Any] = {}
    by_level: dict[int, dict[int, Any]] = {}
    for r in records:
        if r.warmup:
            continue
        index = prompt_index(r.request_id)
        if index is None:
            continue
        by_level.setdefault(r.level, {})[index] = r
    for level, recs in sorted(by_level.items()):
        early, gaps = 0, []
        for index, r in recs.items():
            session, turn = position(index, sessions, turns)
            if turn == 0:
                continue
            prev = recs.get(index - sessions)
            if prev is None or prev.done_s is None or r.sent_s is None:
                continue
            gap = r.sent_s - prev.done_s
            if gap < 0:
                early += 1
            gaps.append(gap)
        out[str(level)] = {
            "later_turns": len(gaps),
            "sent_before_previous_turn_done": early,
            "gap_s_min": min(gaps) if gaps else None,
            "gap_s_p50": statistics.median(gaps) if gaps else None,
        }
    return out


# ------------------------------------------------------------------------------ prefix-cache counters
_LINE = re.compile(r"^(vllm:prefix_cache_(?:queries|hits))(?:_total)?(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$", re.M)


def parse_prometheus_counters(text: str) -> dict[str, float]:
    """Sum of ``vllm:prefix_cache_queries`` and ``vllm:prefix_cache_hits`` over label sets in a
    Prometheus text exposition (``_total`` suffix or not); a counter that is absent is left out."""
    out: dict[str, float] = {}
    for m in _LINE.finditer(text):
        try:
            value = float(m.group(2))
        except ValueError:
            continue
        out[m.group(1)] = out.get(m.group(1), 0.0) + value
    return out


def prefix_cache_counters(engine: Any) -> dict[str, float] | None:
    """The engine's prefix-cache counters now, or None where they cannot be read (never raises)."""
    try:
        if engine.name == "offline" and getattr(engine, "llm", None) is not None:
            out: dict[str, float] = {}
            for metric in engine.llm.get_metrics():
                if metric.name in (QUERIES, HITS):
                    out[metric.name] = out.get(metric.name, 0.0) + float(metric.value)
            return out or None
        if engine.name == "serve" and getattr(engine, "base_url", None):
            url = engine.base_url.rstrip("/") + "/metrics"
            with urllib.request.urlopen(url, timeout=5) as resp:  # our own server on 127.0.0.1
                return parse_prometheus_counters(resp.read(4 * 2**20).decode("utf-8", "replace")) or None
    except Exception:
        return None
    return None


def hit_rate(before: dict[str, float] | None, after: dict[str, float] | None) -> dict[str, Any]:
    """Prefix-cache hits over queries (tokens) between two readings; null with the reason when unknown."""
    if not before or not after or QUERIES not in after or HITS not in after:
        return {"hit_rate": None, "queried_tokens": None, "hit_tokens": None, "reason": "counters not exposed"}
    queries = after[QUERIES] - before.get(QUERIES, 0.0)
    hits = after[HITS] - before.get(HITS, 0.0)
    return {
        "hit_rate": hits / queries if queries > 0 else None,
        "queried_tokens": queries,
        "hit_tokens": hits,
        "reason": None if queries > 0 else "no prompt tokens were queried",
    }
