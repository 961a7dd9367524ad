"""Fault suite, pure part of the HTTP policy: userinfo is refused before any name lookup, origins
compare scheme, host and port, and a redirect error is one line without the query or userinfo."""

import socket

import pytest

from claimbench.errors import UserError
from claimbench.measurement.engines.http import HttpEngine, HttpEngineConfig
from claimbench.measurement.httppolicy import check_request_url, has_userinfo, redirect_error, same_origin
from claimbench.measurement.options import check_base_url


@pytest.fixture
def no_lookup(monkeypatch):
    """Fail the test if anything resolves a host name."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a name lookup happened: {args[:2]}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "http://sk-secret@127.0.0.1:8000",
        "http://user:sk-secret@127.0.0.1:8000/v1",
        "https://:sk-secret@localhost",
        "http://sk-secret@[::1]:9/v1",
        "http://user:sk-secret%40x@127.0.0.1:1",  # percent-encoded
    ],
)
def test_a_key_in_the_url_userinfo_is_refused_before_any_lookup_and_never_printed(url, no_lookup):
    with pytest.raises(UserError) as err:
        check_base_url(url)
    assert "user:password@" in str(err.value) and "--api-key-env" in str(err.value)
    assert "sk-secret" not in str(err.value) and "sk" not in str(err.value).split("--api-key-env")[1]
    with pytest.raises(UserError):
        HttpEngine(HttpEngineConfig(), model="m", base_url=url)


def test_the_request_path_itself_refuses_userinfo_and_non_http_schemes():
    with pytest.raises(ValueError, match="user:password@"):
        check_request_url("http://a:b@127.0.0.1:1/v1/models")
    with pytest.raises(ValueError, match="only http"):
        check_request_url("file:///etc/passwd")


def test_an_at_sign_in_the_path_or_query_is_not_userinfo():
    assert not has_userinfo("http://127.0.0.1:8000/v1/models?owner=a@b")
    assert not has_userinfo("http://127.0.0.1:8000/users/a@b")
    assert has_userinfo("http://a@127.0.0.1:8000/")


def test_origins_differ_by_port_scheme_or_host_and_default_ports_are_filled_in():
    assert same_origin("http://127.0.0.1/v1", "http://127.0.0.1:80/x")
    assert not same_origin("http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1")
    assert not same_origin("http://127.0.0.1:8000", "https://127.0.0.1:8000")
    assert not same_origin("http://127.0.0.1:8000", "http://localhost:8000")


def test_a_redirect_error_names_status_and_target_without_query_or_userinfo():
    msg = redirect_error(307, "http://127.0.0.1:8000/v1/completions", "http://u:p@127.0.0.1:9/x?key=abc")
    assert msg.startswith("HTTP 307: redirected to another origin http://127.0.0.1:9/x")
    assert "abc" not in msg and "u:p" not in msg and "\n" not in msg
    assert "same origin" in redirect_error(302, "http://127.0.0.1:8000/v1/completions", "/elsewhere")
