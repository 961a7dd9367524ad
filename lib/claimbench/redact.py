"""The one redactor: every string claimbench persists (request errors, logs, manifests, report
outputs) passes through :func:`redact` / :class:`Redactor` before it is written.

What is removed:
- the secrets given (API keys read from ``--api-key-env``), wherever they appear, as ``***``, and
  any clipped copy of one (its first 8 characters and what follows them, for keys of 16+);
- the value of any ``Authorization`` / ``Proxy-Authorization`` / ``X-Api-Key`` / ``Api-Key``
  header echoed in text (``Authorization: Bearer abc``, ``"authorization": "Basic abc"``),
  and any ``Bearer <token>`` / ``Basic <token>``;
- URL credentials (``https://user:password@host`` → ``https://***@host``) and token-like query
  parameters (``?api_key=…``, ``&token=…``, ``access_token``, ``key``, ``sig``, ``signature``);
- the user's home folder, written as ``~`` (no home paths in bundles).

Pure string work (no I/O beyond reading ``$HOME`` once): usable from any layer that writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MASK = "***"
_MIN_SECRET_LEN = 4
_PREFIX_LEN = 8

_HEADER_VALUE = re.compile(
    r"""(?ix)
    (?P<name>\b(?:proxy-)?authorization|\bx-api-key|\bapi-key|\bx-goog-api-key|\bapi_key)
    (?P<sep>["']?\s*[:=]\s*["']?)
    (?P<value>(?:(?:bearer|basic|token)\s+)?[^\s"',;}\]&]+)
    """
)
_SCHEME_TOKEN = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{4,}")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s:@]*(?::[^/\s@]*)?@")
_QUERY_TOKEN = re.compile(
    r"(?i)([?&](?:api[_-]?key|access[_-]?token|token|key|sig|signature|auth|password|secret)=)[^&#\s\"']+"
)


def _home() -> str:
    home = str(Path("~").expanduser()).rstrip("/")
    return home if len(home) > 1 else ""


class Redactor:
    """Removes ``secrets`` and every credential pattern from text and nested data."""

    def __init__(self, secrets: Iterable[str | None] = ()):
        found = {s for s in secrets if isinstance(s, str) and len(s) >= _MIN_SECRET_LEN}
        # longest first, so a secret containing another is replaced whole
        self.secrets: tuple[str, ...] = tuple(sorted(found, key=len, reverse=True))
        # a secret clipped by a length limit still starts with its first characters: mask those too
        self._prefixes = [
            re.compile(re.escape(s[:_PREFIX_LEN]) + r"[A-Za-z0-9._~+/=\-]*")
            for s in self.secrets
            if len(s) >= 2 * _PREFIX_LEN
        ]
        self._home = _home()

    def text(self, value: str) -> str:
        """``value`` with every secret and credential replaced by ``***`` and home by ``~``."""
        if not value:
            return value
        out = value
        for secret in self.secrets:
            out = out.replace(secret, MASK)
        for prefix in self._prefixes:
            out = prefix.sub(MASK, out)
        out = _URL_CREDENTIALS.sub(lambda m: m.group(1) + MASK + "@", out)
        out = _QUERY_TOKEN.sub(lambda m: m.group(1) + MASK, out)
        out = _HEADER_VALUE.sub(lambda m: m.group("name") + m.group("sep") + MASK, out)
        out = _SCHEME_TOKEN.sub(lambda m: m.group(1) + " " + MASK, out)
        if self._home:
            out = out.replace(self._home + "/", "~/")
        return out

    def data(self, value: Any) -> Any:
        """Every string inside ``value`` (dicts, lists, tuples; keys too) redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.data(v) for v in value)
        return value


def redact(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """Shorthand for ``Redactor(secrets).data(value)``."""
    return Redactor(secrets).data(value)
