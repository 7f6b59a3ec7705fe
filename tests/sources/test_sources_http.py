"""The polite HTTP client against a real loopback server: retries, Retry-After, clear errors."""

import socket
import time

import pytest

from signaal.errors import SourceError
from signaal.sources.http import HttpClient, HttpSettings, NotFound

OK = {"value": [{"Key": "NL01  ", "Title": "Nederland"}]}


def test_retries_5xx_then_succeeds(loopback, fast_http):
    loopback.body("/x", OK)
    loopback.fail("/x", [500, 503])
    resp = fast_http.get_json(f"{loopback.base}/x", source="CBS v3", table="83599NED")
    assert resp.data == OK and loopback.count("/x") == 3


def test_429_honours_retry_after(loopback):
    waits = []
    client = HttpClient(HttpSettings(attempts=3, backoff=0.01, retry_after_max=30), sleep=waits.append)
    loopback.body("/x", OK)
    loopback.fail("/x", [(429, {"Retry-After": "7"})])
    assert client.get_json(f"{loopback.base}/x", source="CBS v3").data == OK
    assert waits == [7.0]  # the server's wait, not the (tiny) exponential backoff


def test_retry_after_is_capped_and_backoff_grows(loopback):
    waits = []
    client = HttpClient(HttpSettings(attempts=4, backoff=1.0, backoff_max=60, retry_after_max=5), sleep=waits.append)
    loopback.body("/x", OK)
    loopback.fail("/x", [(429, {"Retry-After": "3600"}), 500, 500])
    client.get_json(f"{loopback.base}/x", source="CBS v3")
    assert waits[0] == 5 and waits[2] > waits[1] >= 1.0


def test_a_429_storm_ends_in_one_line_naming_source_table_and_url(loopback, fast_http):
    loopback.fail("/x", [429] * 10)
    url = f"{loopback.base}/x"
    with pytest.raises(SourceError) as err:
        fast_http.get_json(url, source="CBS StatLine (OData v3)", table="83599NED")
    msg = str(err.value)
    assert "CBS StatLine (OData v3) table 83599NED" in msg and "HTTP 429" in msg and "after 3 attempts" in msg
    assert url in msg and "\n" not in msg
    assert loopback.count("/x") == 3


@pytest.mark.parametrize(
    "fault, words",
    [
        ("cut", "cut off"),
        ("html", "HTML instead of JSON"),
    ],
)
def test_bad_payloads_are_retried_then_named(loopback, fast_http, fault, words):
    loopback.body("/x", OK)
    loopback.fail("/x", [fault] * 3)
    with pytest.raises(SourceError, match=words):
        fast_http.get_json(f"{loopback.base}/x", source="CBS v4", table="80072ned")
    loopback.fail("/x", [fault])  # one bad answer is survived
    assert fast_http.get_json(f"{loopback.base}/x", source="CBS v4").data == OK


def test_not_found_is_not_retried(loopback, fast_http):
    with pytest.raises(NotFound, match="not found .*HTTP 404"):
        fast_http.get_json(f"{loopback.base}/gone", source="CBS v3", table="99999NED")
    assert loopback.count("/gone") == 1


def test_no_network_closed_port(fast_http):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceError, match=r"cannot connect to 127\.0\.0\.1:\d+ \(connection refused"):
        fast_http.get_json(f"http://127.0.0.1:{port}/ODataFeed", source="CBS v3", table="83599NED")


def test_dns_failure_is_named_and_quick(fast_http):
    started = time.monotonic()
    with pytest.raises(SourceError, match="cannot resolve host 'opendata.invalid'"):
        fast_http.get_json("http://opendata.invalid/ODataCatalog/Tables", source="CBS v3")
    assert time.monotonic() - started < 10


def test_settings_from_environment_and_bad_values():
    s = HttpSettings.from_env(
        {"SIGNAAL_HTTP_ATTEMPTS": "2", "SIGNAAL_HTTP_BACKOFF": "0.5", "SIGNAAL_HTTP_TIMEOUT": "7"}
    )
    assert (s.attempts, s.backoff, s.read_timeout) == (2, 0.5, 7.0)
    with pytest.raises(SourceError, match="SIGNAAL_HTTP_BACKOFF='soon' is not a number"):
        HttpSettings.from_env({"SIGNAAL_HTTP_BACKOFF": "soon"})


def test_a_json_page_is_parsed_once(loopback, fast_http, monkeypatch):
    """A CBS page holds up to 10,000 rows: checking it and reading it is one parse, not two."""
    import json
    import types

    import signaal.sources.http as http

    page = {"value": [{"RegioS": f"GM{i:04d}", "Waarde": f"{i}.5"} for i in range(2000)]}
    loopback.body("/page", page)
    calls = []

    def loads(text, *args, **kwargs):
        calls.append(len(text))
        return json.loads(text, *args, **kwargs)

    monkeypatch.setattr(http, "json", types.SimpleNamespace(loads=loads, JSONDecodeError=json.JSONDecodeError))
    assert fast_http.get_json(f"{loopback.base}/page", source="CBS v3").data == page
    assert len(calls) == 1
