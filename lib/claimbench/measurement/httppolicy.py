"""One HTTP policy for every request claimbench makes (model check, health, version, metrics,
generation; urllib and aiohttp paths): credentials stay with their origin.

- A URL carrying userinfo (``http://user:key@host``) is rejected before any name lookup: a key
  belongs in ``--api-key-env``, never in a URL (it would be sent to, logged by, or looked up as a
  host).
- Redirects are never followed to another origin (scheme, host, port): the request fails with one
  line naming the redirect (status and target, without query or userinfo). A redirect within the
  same origin is followed by the urllib path (GET only); the streaming POST path follows none.
- Proxies from the environment (``http_proxy``…) are not used: a proxy is another origin that
  would see the ``Authorization`` header (aiohttp's default ``trust_env=False`` already does this).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectRefused(urllib.error.URLError):
    """A redirect to another origin, refused (an URLError, so callers' network handlers see it)."""

    def __init__(self, status: int, source: str, target: str):
        self.status = status
        self.source = public_url(source)
        self.target = public_url(target)
        super().__init__(self.message())

    def message(self) -> str:
        """One line naming the redirect."""
        return (
            f"{self.source} redirected (HTTP {self.status}) to another origin {self.target}; "
            "claimbench does not follow redirects across origins (credentials stay with their origin)"
        )

    def __str__(self) -> str:
        return self.message()


def has_userinfo(url: str) -> bool:
    """Whether ``url``'s authority carries ``user[:password]@`` (checked on the text, no lookup)."""
    text = str(url).strip()
    rest = text.split("://", 1)[1] if "://" in text else text.lstrip("/")
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return "@" in rest


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    p = urllib.parse.urlsplit(url)
    scheme = (p.scheme or "").lower()
    port = p.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (p.hostname or "").lower(), port


def same_origin(a: str, b: str) -> bool:
    """Whether two absolute URLs share scheme, host and port."""
    return origin(a) == origin(b)


def public_url(url: str) -> str:
    """``url`` without userinfo, query or fragment (IPv6 hosts keep their brackets)."""
    try:
        p = urllib.parse.urlsplit(str(url))
        host = p.hostname or ""
        port = p.port
    except ValueError:
        from claimbench.redact import Redactor

        return Redactor().text(str(url))
    if ":" in host:
        host = f"[{host}]"
    return urllib.parse.urlunsplit((p.scheme, host + (f":{port}" if port else ""), p.path, "", ""))


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the request's origin; any other raises :class:`RedirectRefused`."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        """Refuse (before any connection to it) a target of another origin."""
        target = urllib.parse.urljoin(req.full_url, newurl)
        if not same_origin(req.full_url, target):
            fp.close()
            raise RedirectRefused(code, req.full_url, target)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _SameOriginRedirects())


def check_request_url(url: str) -> None:
    """Raise ValueError for a URL that must never be requested (userinfo, not http(s))."""
    if has_userinfo(url):
        raise ValueError(f"{public_url(url)}: a URL must not carry user:password@ (pass the key with --api-key-env)")
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ValueError(f"{public_url(url)}: only http(s) URLs are requested")


def open_url(url: str, api_key: str | None = None, timeout: float = 10.0) -> Any:
    """GET ``url`` under the policy (a response to use as a context manager, like ``urlopen``).

    The key travels as ``Authorization: Bearer`` to ``url``'s origin only."""
    check_request_url(url)
    req = urllib.request.Request(url)
    if api_key:
        req.add_header("Authorization", f"Bearer {api_key}")  # followed only within the origin
    return _OPENER.open(req, timeout=timeout)


def redirect_error(status: int, source: str, location: str | None) -> str:
    """The one-line request error for a redirect answered to the streaming client (never followed)."""
    target = urllib.parse.urljoin(source, location or "")
    where = "another origin" if not same_origin(source, target) else "the same origin"
    return (
        f"HTTP {status}: redirected to {where} {public_url(target) if location else '(no Location)'}; "
        "claimbench does not follow redirects of generation requests"
    )
