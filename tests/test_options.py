"""The client's options: a wrong type or range is InvalidInputError naming the option, and
``base_url`` only takes a URL the key and secret may safely travel to."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from iamport_async import Iamport
from iamport_async.errors import InvalidInputError

NAN, INF = float("nan"), float("inf")


class _NotAClock:
    def monotonic(self) -> float:
        return 0.0


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"total_timeout": "5"}, "total_timeout"),
        ({"total_timeout": NAN}, "total_timeout"),
        ({"total_timeout": INF}, "total_timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"timeout": NAN}, "timeout"),
        ({"max_retries": True}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_concurrency": True}, "max_concurrency"),
        ({"max_concurrency": 2.0}, "max_concurrency"),
        ({"max_concurrency": "8"}, "max_concurrency"),
        ({"rate_limit": "5"}, "rate_limit"),
        ({"rate_limit": True}, "rate_limit"),
        ({"rate_limit": NAN}, "rate_limit"),
        ({"rate_limit": -1, "adaptive": True}, "rate_limit"),
        ({"adaptive": "yes"}, "adaptive"),
        ({"max_wait": NAN}, "max_wait"),
        ({"max_wait": "0.1"}, "max_wait"),
        ({"tier": 101}, "tier"),
        ({"base_url": None}, "base_url"),
        ({"base_url": b"https://api.iamport.kr"}, "base_url"),
        ({"http_client": "http"}, "http_client"),
        ({"transport": object()}, "transport"),
        ({"rate_limiter": object()}, "rate_limiter"),
        ({"shared": object()}, "shared"),
        ({"clock": _NotAClock()}, "clock"),
        ({"retry_budget": 10}, "retry_budget"),
        ({"seed": "1"}, "seed"),
        ({"seed": True}, "seed"),
        ({"imp_key": 123}, "imp_key"),
    ],
)
def test_a_bad_option_is_invalid_input_naming_it(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Iamport(**{"imp_key": "k", "imp_secret": "s", **options})
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"tier": "a01"}, "tier"),
        ({"timeout": True}, "timeout"),
        ({"total_timeout": "5"}, "total_timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": False}, "max_retries"),
        ({"max_wait": -0.5}, "max_wait"),
        ({"rate_limit": INF}, "rate_limit"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": True}, "max_concurrency"),
    ],
)
@pytest.mark.anyio
async def test_with_options_checks_its_arguments_alike(options: dict[str, Any], field: str) -> None:
    async with Iamport(imp_key="k", imp_secret="s") as client:
        with pytest.raises(InvalidInputError) as caught:
            client.with_options(**options)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "url",
    [
        "https://api.iamport.kr",
        "https://api.iamport.kr/",
        "https://proxy.example.com:8443/iamport",
        "http://127.0.0.1:8000",
        "http://127.10.0.3",
        "http://[::1]:8000",
        "http://localhost:5000",
        "http://LOCALHOST",
    ],
)
def test_https_anywhere_and_http_to_this_machine_are_accepted(url: str) -> None:
    client = Iamport(imp_key="k", imp_secret="s", base_url=url)
    assert client._engine.config.base_url == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://api.iamport.kr", "https://"),
        ("http://10.0.0.8:8000", "https://"),
        ("http://127.0.0.1.example.com", "https://"),
        ("http://localhost.example.com", "https://"),
        ("ftp://api.iamport.kr", "https://"),
        ("api.iamport.kr", "https://"),
        ("https://", "https://"),
        ("https://api.iamport.kr?debug=1", "query"),
        ("https://api.iamport.kr/?", "query"),
        ("https://api.iamport.kr#top", "fragment"),
        ("https://user:hunter2@api.iamport.kr", "password"),
        ("https://user@api.iamport.kr", "password"),
        ("http://user:hunter2@127.0.0.1:8000", "password"),
        ("https://api.iamport.kr ", "whitespace"),  # httpx made the host "api.iamport.kr%20"
        ("https://api iamport.kr", "whitespace"),
        (" https://api.iamport.kr", "whitespace"),
        ("http://127.0.0.1:99999", "port"),  # httpx took it, then a bare ExceptionGroup
        ("https://api.iamport.kr:0", "port"),
        ("https://api.iamport.kr:-1", "port"),
        ("https://api.iamport.kr:65536", "port"),
    ],
)
def test_other_base_urls_are_refused_without_repeating_them(url: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Iamport(imp_key="k", imp_secret="s", base_url=url)
    assert caught.value.field == "base_url"
    assert problem in caught.value.problem
    assert "hunter2" not in str(caught.value)


def test_the_repr_shows_the_host_and_never_a_credential() -> None:
    client = Iamport(imp_key="key-9", imp_secret="secret-9", base_url="https://api.iamport.kr/")
    assert repr(client) == "<Iamport https://api.iamport.kr>"


def test_a_timeout_object_and_whole_numbers_still_pass() -> None:
    client = Iamport(
        imp_key="k",
        imp_secret="s",
        timeout=httpx.Timeout(5.0, connect=1.0),
        total_timeout=10,
        max_wait=0,
        rate_limit=5,
        max_concurrency=None,
        seed=0,
    )
    assert client._engine.config.retry.total_timeout == 10.0
    assert client._engine.config.max_wait == 0.0
