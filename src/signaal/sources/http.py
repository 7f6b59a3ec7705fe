"""One polite HTTP session for every live source.

Why one module: CBS asks for fair use, and a quarterly run must survive a flaky network
without hammering anyone. So every request goes through :class:`HttpClient`: one
``requests.Session`` (connection reuse, one User-Agent), a connect and a read timeout, an
overall deadline per request (the body is read in pieces and the clock checked after each,
so a server that trickles a byte a second fails in bounded time too), and retries with exponential backoff (tenacity) on HTTP 429 and 5xx, on connection errors
and on answers that are cut off or not JSON. A ``Retry-After`` header is honoured (capped).
When the retries are used up, the failure becomes one :class:`~signaal.errors.SourceError`
line that names the source, the table and the URL.

Retry counts and waits come from :class:`HttpSettings` (environment variables
``SIGNAAL_HTTP_ATTEMPTS``, ``SIGNAAL_HTTP_BACKOFF``, ``SIGNAAL_HTTP_BACKOFF_MAX``,
``SIGNAAL_HTTP_RETRY_AFTER_MAX``, ``SIGNAAL_HTTP_TIMEOUT``, ``SIGNAAL_HTTP_DEADLINE``), so
tests can run them fast.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from .. import __version__
from ..errors import SourceError

log = logging.getLogger("signaal.sources.http")

RETRY_STATUS = {429, 500, 502, 503, 504, 507, 509}
USER_AGENT = f"signaal/{__version__} (quarterly briefings for Twente Board; python-requests)"
CHUNK = 1 << 16  # bytes read at most at a time; the deadline is checked after each read


class NotFound(SourceError):
    """The server says the resource does not exist (HTTP 404 or 410)."""

    def __init__(self, message: str, url: str):
        super().__init__(message)
        self.url = url


class _Transient(Exception):
    """A failure worth another attempt; ``retry_after`` in seconds when the server said so."""

    def __init__(self, what: str, retry_after: float | None = None):
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 5
    backoff: float = 1.0  # first wait in seconds; doubles per attempt
    backoff_max: float = 60.0
    retry_after_max: float = 120.0
    deadline: float = 300.0  # seconds for one request, from sending it to its last byte

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HttpSettings:
        environ: Mapping[str, str] = os.environ if env is None else env
        base = cls()

        def num(name: str, default: float) -> float:
            raw = environ.get(name)
            if raw in (None, ""):
                return default
            try:
                value = float(raw)
            except ValueError:
                raise SourceError(
                    f"{name}={raw!r} is not a number; give seconds or a count, e.g. {default:g}"
                ) from None
            if value < 0:
                raise SourceError(f"{name}={raw!r} is negative; give a number of at least 0")
            return value

        timeout = num("SIGNAAL_HTTP_TIMEOUT", base.read_timeout)
        return cls(
            connect_timeout=min(base.connect_timeout, timeout) if timeout else base.connect_timeout,
            read_timeout=timeout or base.read_timeout,
            attempts=max(1, int(num("SIGNAAL_HTTP_ATTEMPTS", base.attempts))),
            backoff=num("SIGNAAL_HTTP_BACKOFF", base.backoff),
            backoff_max=num("SIGNAAL_HTTP_BACKOFF_MAX", base.backoff_max),
            retry_after_max=num("SIGNAAL_HTTP_RETRY_AFTER_MAX", base.retry_after_max),
            deadline=num("SIGNAAL_HTTP_DEADLINE", base.deadline) or base.deadline,
        )


@dataclass
class Response:
    """A successful answer, kept byte for byte (the raw store saves ``content`` untouched)."""

    url: str
    status: int
    content: bytes
    content_type: str
    retrieved: str
    data: Any = None  # the parsed JSON when JSON was expected

    def text(self) -> str:
        return self.content.decode("utf-8-sig", errors="replace")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _connection_problem(exc: BaseException, url: str) -> str:
    """Name what went wrong with the connection in words a user can act on."""
    host = urlsplit(url).netloc or url
    chain, seen = [], set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        chain.append(node)
        node = (
            node.__cause__
            or node.__context__
            or (node.args[0] if node.args and isinstance(node.args[0], BaseException) else None)
        )
    text = " ".join(f"{type(e).__name__}: {e}" for e in chain)
    if any(
        s in text
        for s in (
            "NameResolutionError",
            "Name or service not known",
            "Temporary failure in name resolution",
            "nodename nor servname",
            "getaddrinfo failed",
            "No address associated",
        )
    ):
        return f"cannot resolve host {urlsplit(url).hostname!r} (DNS lookup failed: no network, or a wrong base URL?)"
    if isinstance(exc, requests.Timeout) or "timed out" in text.lower():
        return f"no answer from {host} in time (timeout)"
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return f"cannot connect to {host} (connection refused: no network, or the service is down)"
    if (
        isinstance(exc, requests.exceptions.ChunkedEncodingError)
        or "IncompleteRead" in text
        or "Connection broken" in text
    ):
        return f"the connection to {host} broke off in the middle of the response"
    return f"cannot connect to {host} ({type(exc).__name__})"


def _parse_json(body: bytes, ctype: str) -> Any:
    """The parsed body (parsed once: a CBS page is up to 10,000 rows); a body that should be
    JSON but is not raises :class:`_Transient` saying why (HTML, cut off, not UTF-8 …)."""
    head = body[:200].lstrip().lower()
    if "html" in ctype.lower() or head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<feed")):
        kind = "Atom/XML" if head.startswith((b"<?xml", b"<feed")) and "html" not in ctype.lower() else "HTML"
        raise _Transient(f"the server answered {kind} instead of JSON (Content-Type {ctype or 'not given'})")
    if not body.strip():
        raise _Transient("the response is empty (0 bytes of JSON)")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Transient("the response is not UTF-8 text, so not JSON") from None
    if not text.lstrip().startswith(("{", "[")):
        start = " ".join(text.split())[:40]
        raise _Transient(f"the response is not JSON: it starts with {start!r}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not body.rstrip().endswith((b"}", b"]")):
            raise _Transient(f"the response is cut off: the JSON stops after {len(body)} bytes") from None
        raise _Transient(f"the response is not valid JSON ({exc.msg} at position {exc.pos})") from None


class HttpClient:
    """GET with timeouts, retries and clear errors; one session for a whole refresh."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str], None] | None = None,
    ):
        self.settings = settings or HttpSettings.from_env()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.setdefault("Accept", "application/json, text/csv;q=0.9, */*;q=0.5")
        self._sleep = sleep
        self._on_retry = on_retry
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- the one entry point ----------------------------------------------------------
    def get(self, url: str, *, source: str, table: str | None = None, expect_json: bool = True) -> Response:
        """Fetch ``url``; raise :class:`SourceError` (or :class:`NotFound`) naming source, table, URL."""
        where = f"{source} table {table}" if table else source
        s = self.settings

        def wait(state) -> float:
            exc = state.outcome.exception()
            if isinstance(exc, _Transient) and exc.retry_after is not None:
                return min(exc.retry_after, s.retry_after_max)
            return wait_exponential(multiplier=s.backoff, min=s.backoff, max=s.backoff_max)(state)

        def before_sleep(state) -> None:
            exc = state.outcome.exception()
            message = (
                f"{where}: {getattr(exc, 'what', exc)}; attempt {state.attempt_number} of {s.attempts}, "
                f"retrying in {state.next_action.sleep:.1f} s"
            )
            if self._on_retry:  # the caller shows it (once); else the log does
                self._on_retry(message)
            else:
                log.warning(message)

        retrying = Retrying(
            stop=stop_after_attempt(s.attempts),
            wait=wait,
            retry=retry_if_exception_type(_Transient),
            before_sleep=before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, where, expect_json)
        except _Transient as exc:
            tries = f" after {s.attempts} attempts" if s.attempts > 1 else ""
            raise SourceError(f"{where}: {exc.what}{tries} at {url}") from None

    def get_json(self, url: str, *, source: str, table: str | None = None) -> Response:
        return self.get(url, source=source, table=table, expect_json=True)

    # ---- one attempt ------------------------------------------------------------------
    def _attempt(self, url: str, where: str, expect_json: bool) -> Response:
        self.requests_made += 1
        retrieved = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        started = time.monotonic()
        try:
            resp = self.session.get(
                url, timeout=(self.settings.connect_timeout, self.settings.read_timeout), stream=True
            )
        except requests.exceptions.InvalidURL as exc:
            raise SourceError(f"{where}: invalid URL {url!r} ({exc}); check the SIGNAAL_*_URL settings") from None
        except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
            raise SourceError(f"{where}: invalid URL {url!r}; a base URL must start with http:// or https://") from None
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise _Transient(_connection_problem(exc, url)) from None

        with resp:  # streamed: the connection goes back to the pool when the body is read or given up
            status = resp.status_code
            reason = f"HTTP {status}{' ' + resp.reason if resp.reason else ''}"
            if status in RETRY_STATUS:
                raise _Transient(reason, retry_after=_retry_after(resp.headers.get("Retry-After")))
            if status in (404, 410):
                raise NotFound(f"{where}: not found ({reason}) at {url}", url)
            if status >= 400:
                raise SourceError(f"{where}: the server refused the request ({reason}) at {url}")
            content = self._body(resp, url, started)
        ctype = resp.headers.get("Content-Type", "")
        return Response(
            url=url,
            status=status,
            content=content,
            content_type=ctype,
            retrieved=retrieved,
            data=_parse_json(content, ctype) if expect_json else None,
        )

    def _body(self, resp: requests.Response, url: str, started: float) -> bytes:
        """The whole body, read a piece at a time (each piece as soon as it arrives, within
        the read timeout); past the deadline, counted from sending the request, it is given up."""
        deadline = self.settings.deadline
        chunks: list[bytes] = []
        try:
            while chunk := resp.raw.read1(CHUNK, decode_content=True):
                chunks.append(chunk)
                if time.monotonic() - started > deadline:
                    host = urlsplit(url).netloc or url
                    raise _Transient(
                        f"the answer from {host} did not finish within {deadline:g} s "
                        f"({sum(map(len, chunks))} bytes so far; SIGNAAL_HTTP_DEADLINE)"
                    )
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            raise _Transient(_connection_problem(exc, url)) from None
        return b"".join(chunks)
