"""Engines measured over HTTP with the streaming client: ``serve`` (our own `vllm serve`) and
``endpoint`` (any existing OpenAI-compatible server)."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from claimbench.errors import UserError
from claimbench.measurement.client import ClientConfig, run_interruptibly, run_level_async
from claimbench.measurement.runner import EngineDied
from claimbench.schema.records import LoadLevel, RequestRecord


@dataclass
class HttpEngineConfig:
    api: str = "completions"
    served_model_name: str | None = None
    api_key: str | None = None
    api_key_env: str | None = None
    token_counts: str = "usage"
    workers: int = 1  # >1 (or a ray_address): the level is split over that many Ray client workers (WorkerPool)
    ray_address: str | None = None  # None: a local Ray instance on 127.0.0.1 started for the run
    on_worker_failure: str = "continue"  # continue | stop (see measurement.workers)


def normalize_base_url(url: str) -> str:
    """``http://host:8000/v1/`` → ``http://host:8000``; rejects what is not an http(s) URL."""
    from claimbench.measurement.options import check_base_url

    parsed = urllib.parse.urlparse(check_base_url(url))
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UserError(f"--base-url must be an http(s) URL such as http://127.0.0.1:8000, got {url!r}")
    path = parsed.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urllib.parse.urlunparse((parsed.scheme, parsed.netloc, path, "", "", "")).rstrip("/")


def _public_url(url: str) -> str:
    """``url`` without user:password@, query or fragment (IPv6 hosts keep their brackets)."""
    try:
        p = urllib.parse.urlparse(url)
        host = p.hostname or ""
        port = p.port
    except ValueError:
        from claimbench.redact import Redactor

        return Redactor().text(url)
    if ":" in host:
        host = f"[{host}]"
    return urllib.parse.urlunparse((p.scheme, host + (f":{port}" if port else ""), p.path, "", "", ""))


_MAX_JSON_BYTES = 16 * 2**20


class NotJson(ValueError):
    """A JSON endpoint answered something else (an HTML page, plain text): says what it was."""

    def __init__(self, path: str, content_type: str, raw: bytes):
        kind = content_type.split(";")[0].strip() or "no Content-Type"
        head = raw[:2048].decode("utf-8", "replace")
        looks_html = "html" in kind.lower() or "<html" in head.lower() or "<!doctype html" in head.lower()
        what = f"an HTML page ({kind})" if looks_html else f"{kind}, {len(raw):,} bytes"
        super().__init__(
            f"{path} answered {what}, not JSON: is the URL an OpenAI-compatible server (not a proxy or login page)?"
        )


def _local_vocab_size(root: str | None) -> int | None:
    import os

    if not root:
        return None
    cfg = os.path.join(os.path.expanduser(root), "config.json")
    try:
        if not os.path.isfile(cfg) or os.path.getsize(cfg) > 2**20:
            return None
        with open(cfg) as fh:
            vocab = json.load(fh).get("vocab_size")
        return int(vocab) if isinstance(vocab, int) and 16 <= vocab < 2**31 else None
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):
        return None


def _quiet_on_interrupt(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's error report, minus the tasks a Ctrl-C / SIGTERM / SIGHUP cut (their rows are kept,
    marked not completed; a traceback for them would be noise at an orderly interrupt)."""
    if isinstance(context.get("exception"), KeyboardInterrupt | asyncio.CancelledError):
        return
    loop.default_exception_handler(context)


class HttpEngine:
    def __init__(self, config: HttpEngineConfig, model: str, base_url: str | None = None, server=None):
        self.config = config
        self.server = server
        self.name = "serve" if server is not None else "endpoint"
        self.model = model
        self.base_url = normalize_base_url(base_url) if base_url else None
        self.max_model_len: int | None = None
        self.server_version: str | None = None
        self.served_model: str | None = None
        self.client: ClientConfig | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.loop_name: str | None = None  # the event loop of the one-process client (uvloop or asyncio)
        self._consecutive_connect_errors = 0
        self._vocab_size: int | None = None
        self._pool: Any = None  # a WorkerPool when the client runs on Ray workers
        self._pool_description: dict[str, Any] | None = None
        self.cluster: dict[str, Any] | None = None  # Ray cluster of a multi-node `vllm serve`
        self.fingerprint: dict[str, Any] | None = None  # the run's platform fingerprint, when given

    def _url(self) -> str:
        assert self.base_url is not None  # given, or set by the server's start()
        return self.base_url

    def _get(self, path: str, timeout: float = 10.0) -> Any:
        from claimbench.measurement.httppolicy import open_url

        with open_url(self._url() + path, self.config.api_key, timeout=timeout) as resp:
            raw = resp.read(_MAX_JSON_BYTES + 1)
            content_type = resp.headers.get("Content-Type", "") if resp.headers else ""
        if len(raw) > _MAX_JSON_BYTES:
            raise ValueError(f"{path} answered more than {_MAX_JSON_BYTES:,} bytes")
        try:
            return json.loads(raw or b"null")
        except RecursionError:
            raise ValueError(f"{path} answered JSON nested too deeply") from None
        except ValueError:
            raise NotJson(path, content_type, raw) from None

    def _fetch_models(self) -> Any:
        """``/v1/models``, every failure turned into one line saying what the endpoint answered."""
        from claimbench.measurement.httppolicy import RedirectRefused

        try:
            return self._get("/v1/models")
        except RedirectRefused as exc:
            raise UserError(f"endpoint {exc.message()}") from None
        except NotJson as exc:
            raise UserError(f"endpoint {_public_url(self._url())}{exc}") from None
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                hint = f" (is {self.config.api_key_env} right?)" if self.config.api_key_env else " (pass --api-key-env)"
                raise UserError(
                    f"endpoint {_public_url(self._url())} refused the API key: HTTP {exc.code}{hint}"
                ) from None
            raise UserError(f"endpoint {_public_url(self._url())}/v1/models answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise UserError(f"cannot reach endpoint {_public_url(self._url())}: {reason}") from None

    def start(self) -> None:
        if self.server is not None:
            self.base_url = self.server.start()
        models = self._fetch_models()
        data = models.get("data") if isinstance(models, dict) else None
        if not isinstance(data, list):
            what = (
                type(models).__name__
                if not isinstance(models, dict)
                else f"an object whose data is {type(data).__name__}"
            )
            raise UserError(
                f"endpoint {_public_url(self._url())}/v1/models answered {what}, not an OpenAI model list "
                '({"data": [{"id": ...}]})'
            )
        ids = [m.get("id") for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)]
        wanted = self.config.served_model_name or (self.model if self.server is not None else None)
        if wanted is None:
            if len(ids) == 1:
                wanted = ids[0]
            elif self.model in ids:
                wanted = self.model
            else:
                raise UserError(f"endpoint serves {len(ids)} models {ids[:5]}; choose one with --served-model-name")
        elif ids and wanted not in ids:
            raise UserError(f"--served-model-name: endpoint does not serve {wanted!r}; it serves {ids[:5]}")
        assert wanted is not None  # chosen above, or a UserError
        self.served_model = wanted
        self._vocab_size = None
        for m in data:
            if isinstance(m, dict) and m.get("id") == wanted:
                mml = m.get("max_model_len")
                if isinstance(mml, int) and not isinstance(mml, bool) and 1 < mml < 2**31:
                    self.max_model_len = mml
                root = m.get("root")
                self._vocab_size = _local_vocab_size(root) if isinstance(root, str) else None
        try:
            version = self._get("/version", timeout=5)
            v = version.get("version") if isinstance(version, dict) else None
            self.server_version = v[:100] if isinstance(v, str) else None
        except (urllib.error.URLError, OSError, ValueError, AttributeError):
            self.server_version = None
        self.client = ClientConfig(
            base_url=self._url(),
            model=wanted,
            api=self.config.api,
            api_key=self.config.api_key,
            # vLLM reports usage in every chunk when asked: exact tokens per chunk (MTP, multi-token chunks)
            continuous_usage=self.server_version is not None and self.config.token_counts == "usage",
        )
        from claimbench.measurement.workers import new_event_loop

        self._loop, self.loop_name = new_event_loop("auto")  # uvloop where installed (recorded)
        self._loop.set_exception_handler(_quiet_on_interrupt)
        self._pool = None
        if self.config.workers > 1 or self.config.ray_address:
            from claimbench.measurement.workers import WorkerPool

            self._pool = WorkerPool(
                self.config.workers, ray_address=self.config.ray_address, on_failure=self.config.on_worker_failure
            )
            self.loop_name = ",".join(sorted(set(self._pool.loop_names))) or None  # the workers' loops
        self.cluster = self._serve_cluster()
        if self.cluster is not None and self.fingerprint is not None:
            self.fingerprint["cluster"] = self.cluster  # the platform of a multi-node run is the cluster

    def _serve_cluster(self) -> dict[str, Any] | None:
        """The Ray cluster a `vllm serve` with ``distributed-executor-backend=ray`` runs on: nodes and
        devices per node (None when the server does not use Ray's executor)."""
        extra = getattr(getattr(self.server, "config", None), "extra", None) or {}
        if str(extra.get("distributed_executor_backend", "")).lower() != "ray":
            return None
        from claimbench.measurement.workers import cluster_description, ray_session

        if self._pool is not None:
            return {**self._pool.cluster, "ray_address": "as --ray-address"}
        address = self.config.ray_address or os.environ.get("RAY_ADDRESS") or "auto"
        try:
            ray, started = ray_session(address)
            try:
                return {**cluster_description(ray), "ray_address": "RAY_ADDRESS" if address != "auto" else "auto"}
            finally:
                if started:
                    ray.shutdown()
        except Exception as exc:  # the cluster is recorded as unknown, with the reason
            return {"nodes": None, "reason": f"cannot reach the Ray cluster ({type(exc).__name__}: {str(exc)[:200]})"}

    def vocab_size(self) -> int | None:
        """The served model's vocabulary when its folder (vLLM's ``root``) is readable here."""
        return self._vocab_size

    def _on_done(self, rec: RequestRecord, callback) -> None:
        err = rec.error or ""
        self._consecutive_connect_errors = (
            self._consecutive_connect_errors + 1 if "Connect" in err or "Disconnected" in err else 0
        )
        if callback:
            callback(rec)

    def server_down(self) -> bool:
        if self.server is not None and not self.server.alive():
            return True
        return self._consecutive_connect_errors >= 3

    def run_level(
        self,
        level: LoadLevel,
        prompts,
        run_t0: float,
        records: list[RequestRecord],
        warmup: bool = False,
        seed: int = 0,
        request_timeout_s: float | None = None,
        on_request_done=None,
    ) -> None:
        assert self.client is not None  # started
        self.client.request_timeout_s = request_timeout_s
        if self._pool is not None:
            from claimbench.measurement.workers import WorkerFailed

            n_failures = len(self._pool.failures)
            ended = True  # until run_level returns: a failure that escapes it ends the sweep
            try:
                self._pool.run_level(
                    self.client,
                    level,
                    prompts,
                    run_t0,
                    records,
                    warmup=warmup,
                    seed=seed,
                    on_request_done=lambda r: self._on_done(r, on_request_done),
                    should_stop=self.server_down,
                )
                ended = False
            except WorkerFailed as exc:
                raise EngineDied(str(exc)) from None
            except Exception as exc:  # any Ray failure (agent, raylet, actor, GetTimeoutError): a worker failure
                raise EngineDied(
                    f"Ray client workers failed during level {level.level}: {type(exc).__name__}: "
                    f"{' '.join(str(exc).split())[:300]}"
                ) from None
            finally:
                self._print_worker_failures(n_failures, ended)
            if self.server_down() or not self._healthy():
                raise EngineDied(f"server stopped answering during level {level.level} ({level.label()})")
            return
        run = run_level_async
        if getattr(prompts, "session_schedule", None) is not None:  # multi-turn think time: sessions pace themselves
            from claimbench.measurement.sessions import run_sessions_async as run
        coro = run(
            self.client,
            level,
            prompts,
            run_t0,
            records,
            warmup=warmup,
            seed=seed,
            on_request_done=lambda r: self._on_done(r, on_request_done),
            should_stop=self.server_down,
        )
        assert self._loop is not None  # started without a worker pool
        try:
            run_interruptibly(self._loop, coro)  # uvloop would drop the CLI's SIGTERM interrupt
        except KeyboardInterrupt:
            self._cancel_pending()
            raise
        if self.server_down() or not self._healthy():
            what = (
                "vllm serve exited"
                if self.server is not None and not self.server.alive()
                else "server stopped answering"
            )
            raise EngineDied(f"{what} during level {level.level} ({level.label()})")

    def _print_worker_failures(self, since: int, ended: bool = False) -> None:
        """One console line per client worker that died since failure ``since`` (and what happens next:
        ``ended`` when the level failed, e.g. every worker of it died, whatever ``--on-worker-failure`` says)."""
        from claimbench.measurement.logcapture import terminal_stream

        if self._pool is None:
            return
        if ended:
            then = "the level is lost and the sweep ends (the completed levels are kept)"
        elif self.config.on_worker_failure == "continue":
            then = "the level goes on without it"
        else:
            then = "the sweep stops"
        for f in self._pool.failures[since:]:
            print(
                f"claimbench: warning: client worker {f['worker']} on {f['host']} died during level {f['level']}: "
                f"{f['reason'][:200]} ({f['in_flight_failed']} requests failed, {f['not_sent']} not sent); "
                f"--on-worker-failure {self.config.on_worker_failure}: {then}",
                file=terminal_stream(),
            )

    def incomplete_reason(self) -> str | None:
        """Why a sweep that reached its end is still not complete (client workers that died), or None."""
        if self._pool is None:
            return None
        fails = [f for f in self._pool.failures if not f["warmup"]]
        if not fails:
            return None
        f = fails[0]
        more = f"; {len(fails) - 1} more worker failure(s)" if len(fails) > 1 else ""
        return (
            f"client worker {f['worker']} on {f['host']} died during level {f['level']} ({f['reason'][:200]}): "
            f"{sum(x['in_flight_failed'] for x in fails)} requests failed and {sum(x['not_sent'] for x in fails)} "
            f"were not sent; the sweep went on without it (--on-worker-failure continue){more}"
        )

    def _cancel_pending(self) -> None:
        """Cancel requests in flight (Ctrl-C): their rows stay, marked not completed."""
        assert self._loop is not None  # started
        pending = [t for t in asyncio.all_tasks(self._loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    def _healthy(self) -> bool:
        try:
            self._get("/v1/models", timeout=5)
            return True
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop(self) -> None:
        if self._pool is not None:
            self._pool_description = self._pool.describe()  # for the manifest, written after stop()
            self._pool.close()
            self._pool = None
        if self._loop is not None:
            self._loop.close()
            self._loop = None
        if self.server is not None:
            self.server.stop()

    def describe(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "base_url": _public_url(self._url()) if self.base_url else None,
            "api": self.config.api,
            "served_model_name": self.served_model,
            "server_version": self.server_version,
            "api_key_env": self.config.api_key_env,
            "token_counts": "usage (continuous per chunk)"
            if self.client and self.client.continuous_usage
            else self.config.token_counts,
            "max_model_len": self.max_model_len,
            "client": {
                "kind": "claimbench streaming client (asyncio + aiohttp)",
                "workers": self.config.workers,
                "loop": self.loop_name,
                "clock": "time.monotonic (CLOCK_MONOTONIC)",
            },
        }
        pool = self._pool.describe() if self._pool is not None else self._pool_description
        if pool is not None:
            d["client"]["ray"] = pool
        if self.server is not None:
            d["server"] = self.server.describe()
            if self.cluster is not None:
                d["server"]["cluster"] = self.cluster
        return d

    def bundle_files(self) -> dict[str, Any]:
        if self.server is not None and self.server.log_path is not None:
            return {"server.log": self.server.log_path}
        return {}
