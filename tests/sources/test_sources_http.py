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


# ---- slow servers, odd answers, retries shown once (reliability review C-trickle, C-notjson, #14) --
class RawServer:
    """One-connection HTTP servers on 127.0.0.1 written by hand: the head, then the body in
    pieces with a pause between them (a server that trickles), until the client hangs up."""

    def __init__(self, head: bytes, pieces: list[bytes], pause: float):
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.1)  # so that the loop sees ``stop`` between connections
        self.head, self.pieces, self.pause = head, pieces, pause
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/x"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(self.head)
                    for piece in self.pieces:
                        if self.stop.wait(self.pause):
                            return
                        conn.sendall(piece)
                except OSError:  # the client hung up
                    continue

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        self.thread.join(timeout=5)


def test_a_server_that_trickles_one_byte_at_a_time_fails_within_the_deadline():
    body = b'{"value": [' + b" " * 2000 + b"]}"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    server = RawServer(head, [bytes([b]) for b in body], pause=0.05)  # each byte well within the read timeout
    client = HttpClient(HttpSettings(connect_timeout=1, read_timeout=1, attempts=2, backoff=0.01, deadline=0.6))
    started = time.monotonic()
    try:
        with pytest.raises(SourceError) as err:
            client.get_json(server.url, source="CBS v3", table="83582NED")
    finally:
        server.close()
        client.close()
    assert time.monotonic() - started < 3  # two attempts of 0.6 s, not 2000 × 0.05 s each
    msg = str(err.value)
    assert "CBS v3 table 83582NED: the answer from 127.0.0.1:" in msg and "did not finish within 0.6 s" in msg
    assert "SIGNAAL_HTTP_DEADLINE" in msg and "after 2 attempts" in msg
    assert HttpSettings.from_env({"SIGNAAL_HTTP_DEADLINE": "90"}).deadline == 90


def test_a_compressed_body_in_pieces_is_read_whole():
    import gzip
    import json

    body = gzip.compress(json.dumps(OK).encode())
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
    head += b"Content-Length: %d\r\n\r\n" % len(body)
    server = RawServer(head, [body[:10], body[10:]], pause=0.05)
    try:
        with HttpClient(HttpSettings(read_timeout=2, attempts=1)) as client:
            assert client.get_json(server.url, source="CBS v3").data == OK
    finally:
        server.close()


@pytest.mark.parametrize(
    "body, words",
    [
        ("Service temporarily unavailable", "not JSON: it starts with 'Service temporarily unavailable'"),
        ("", "the response is empty"),
        ('{"value": [1, 2', "cut off: the JSON stops after 15 bytes"),
    ],
)
def test_an_answer_that_is_not_json_is_not_called_cut_off(loopback, fast_http, body, words):
    loopback.body("/x", body, content_type="application/json")
    with pytest.raises(SourceError, match=words):
        fast_http.get_json(f"{loopback.base}/x", source="CBS v3")


def test_a_retry_is_shown_once(loopback, caplog):
    shown = []
    client = HttpClient(HttpSettings(attempts=3, backoff=0.01, backoff_max=0.02), on_retry=shown.append)
    loopback.body("/x", OK)
    loopback.fail("/x", [500])
    with caplog.at_level("WARNING", logger="signaal.sources.http"):
        assert client.get_json(f"{loopback.base}/x", source="CBS v3").data == OK
    assert len(shown) == 1 and "HTTP 500" in shown[0] and "attempt 1 of 3" in shown[0]
    assert not [r for r in caplog.records if r.name == "signaal.sources.http"]  # not a second time in the log
