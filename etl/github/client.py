"""The PyGithub client, configured from the environment, counting its requests.

Retries, all bounded (GithubRetry, a urllib3 Retry):
- 5xx answers and secondary rate limits: up to 8 retries with exponential backoff (`retry_backoff`
  seconds, doubling, at most 120 s apart), honouring Retry-After;
- a connection that cannot be made (refused, DNS, TLS, proxy, connect timeout): CONNECT_RETRIES
  more attempts, 0 and 2 × `retry_backoff` seconds apart, each with a TIMEOUT-second timeout; an answer that
  does not come within TIMEOUT seconds: READ_RETRIES more attempts.
After that, a network failure is one line naming the host and the cause (`describe_network_error`).

GraphQL is an optimisation: `GraphQL` sends queries while the endpoint answers, and says once
when it is missing or refuses (404, 403, 401, or errors saying so), after which the caller
reads through REST instead.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import ssl
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field

import github
import requests
import urllib3
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException, UnknownObjectException

from etl.shared import redaction
from etl.source_config import DEFAULT_API_URL, GitHubSettings

log = logging.getLogger("etl.github")
UNAUTHENTICATED_LIMIT = 60
TIMEOUT = 20            # seconds to connect, and to wait for an answer
TOTAL_RETRIES = 8       # more attempts after 5xx answers and secondary rate limits
CONNECT_RETRIES = 2     # more attempts after a connection that could not be made
READ_RETRIES = 2        # more attempts after an answer that did not come in time
GRAPHQL_FAILURES_TO_GIVE_UP = 3


class ConnectionProblem(Exception):
    """GitHub cannot be reached, or answers from an address the client cannot follow; the
    message is one line naming the host and the cause."""


class GraphQLUnusable(Exception):
    """This GraphQL query gave nothing usable; read through REST instead (see GraphQL)."""


class RequestCounter(logging.Handler):
    """Counts PyGithub's requests from its own request log (one DEBUG record per response).

    The records are counted and dropped: their text (URLs, headers, bodies) is never
    formatted or written anywhere.
    """

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.responses = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.DEBUG:
            self.responses += 1
        else:  # PyGithub's own notices (redirects, deprecations) still reach the log
            log.handle(record)


class CountingRetry(GithubRetry):
    """GithubRetry that counts the attempts it retries (each was a request made)."""

    def __init__(self, *args, counter: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.counter = counter if counter is not None else [0]

    def new(self, **kw):
        fresh = super().new(**kw)
        fresh.counter = self.counter
        return fresh

    def increment(self, *args, **kwargs):
        self.counter[0] += 1
        return super().increment(*args, **kwargs)


@dataclass
class GraphQL:
    """GitHub's GraphQL endpoint while it serves: `query` returns a query's `data`, or raises

    - GraphQLUnusable when the endpoint is missing or refuses (404, 403, 401, 405, 501, or errors
      of type FORBIDDEN or INSUFFICIENT_SCOPES): `usable` turns False and the log says so once;
      also when a query fails otherwise (errors without data, a 5xx after retries), and after
      GRAPHQL_FAILURES_TO_GIVE_UP such failures in a row GraphQL is left alone for the run;
    - UnknownObjectException when GitHub says the repository asked for is not found;
    - RateLimitExceededException at GraphQL's rate limit, after waiting for the reset if it
      comes within `max_wait` seconds.
    """

    github: Github
    url: str
    max_wait: float
    usable: bool = True
    reason: str | None = None
    failures_in_row: int = 0
    sleep: object = field(default=time.sleep, repr=False)

    def query(self, text: str) -> dict:
        for _attempt in range(2):
            try:
                headers, body = self.github.requester.requestJsonAndCheck(
                    "POST", self.github.requester.graphql_url, input={"query": text, "variables": {}})
            except RateLimitExceededException:
                raise
            except requests.exceptions.RetryError as exc:  # 5xx through every retry
                self._failed(_short(_deepest(_chain(exc))))
            except GithubException as exc:
                if exc.status in (401, 403, 404, 405, 501):
                    self._give_up(f"GitHub answered {exc.status} for {self.url}")
                self._failed(f"GitHub answered {exc.status}: {_message(exc)}")
            errors = (body or {}).get("errors") or []
            if not errors:
                self.failures_in_row = 0
                return (body or {}).get("data") or {}
            kinds = {str(e.get("type") or "") for e in errors}
            if "RATE_LIMITED" in kinds or any(str(e.get("message", "")).lower().startswith("api rate limit")
                                              for e in errors):
                wait = _seconds_to_reset(headers)
                if wait is not None and wait <= self.max_wait:
                    log.info("GraphQL rate limit reached; waiting %.0f s for the reset", wait)
                    self.sleep(wait)
                    continue
                raise RateLimitExceededException(
                    403, {"message": f"GraphQL rate limit reached: {errors[0].get('message')}", "errors": errors},
                    headers)
            if "NOT_FOUND" in kinds:
                raise UnknownObjectException(404, {"message": errors[0].get("message"), "errors": errors}, headers)
            if kinds & {"FORBIDDEN", "INSUFFICIENT_SCOPES"}:
                self._give_up(f"{self.url} refused the query ({errors[0].get('message')})")
            self._failed(str(errors[0].get("message") or errors[0]))
        raise RateLimitExceededException(403, {"message": "GraphQL rate limit reached again after waiting"}, {})

    def _give_up(self, why: str):
        if self.usable:
            self.usable, self.reason = False, why
            log.warning("GraphQL is not available (%s): languages and files are read through REST instead "
                        "(the /languages endpoint and git blobs, one request per file)", why)
        raise GraphQLUnusable(why)

    def _failed(self, why: str):
        self.failures_in_row += 1
        if self.failures_in_row >= GRAPHQL_FAILURES_TO_GIVE_UP:
            self._give_up(f"{self.failures_in_row} queries in a row failed, the last: {why}")
        raise GraphQLUnusable(why)


@dataclass
class Client:
    github: Github
    api_url: str
    token: str | None
    counter: RequestCounter
    retries: list[int]
    graphql: GraphQL

    @property
    def requests(self) -> int:
        """HTTP requests made so far, retried attempts included."""
        return self.counter.responses + self.retries[0]

    def rate_limit_remaining(self) -> int | None:
        remaining, _limit = self.github.rate_limiting
        return None if remaining < 0 else remaining

    def redact(self, text: str) -> str:
        """Text with the token (if any) and every other secret replaced, safe for logs, errors and
        the warehouse."""
        return redact(text, self.token)

    def check_links(self, raw: dict) -> None:
        """Raise ConnectionProblem when GitHub names itself (its `url` self-links, which PyGithub
        follows) by another host, port or path than GITHUB_API_URL: a reverse proxy that does not
        rewrite links. PyGithub would stop at the first such link with a bare AssertionError."""
        link = raw.get("url")
        if not link:
            return
        ours, theirs = urllib.parse.urlsplit(self.api_url), urllib.parse.urlsplit(link)
        prefix = theirs.path.split("/repos/", 1)[0] if "/repos/" in theirs.path else theirs.path
        if (ours.hostname, ours.port) == (theirs.hostname, theirs.port) and prefix == ours.path.rstrip("/"):
            return
        named = urllib.parse.urlunsplit((theirs.scheme, theirs.netloc, prefix, "", ""))
        raise ConnectionProblem(
            f"GitHub at {self.api_url} names itself {named} in its answers (a reverse proxy that does not "
            f"rewrite GitHub's links?), and the client follows those links: set GITHUB_API_URL (or "
            f"github.api_url) to {named} if this machine can reach it, or make the proxy rewrite them")

    def describe(self, exc: BaseException) -> str | None:
        """One line for a network failure or a refused link, or None for anything else."""
        if isinstance(exc, ConnectionProblem):
            return self.redact(str(exc))
        if isinstance(exc, (requests.exceptions.RequestException, urllib3.exceptions.HTTPError)):
            return self.redact(describe_network_error(exc, self.api_url))
        refused = refused_link(exc)
        if refused:
            return self.redact(f"GitHub at {self.api_url} answered with a link to another address ({refused}): "
                               "a reverse proxy that does not rewrite GitHub's links? Set GITHUB_API_URL to the "
                               "address GitHub names itself by, or make the proxy rewrite them")
        return None

    def close(self) -> None:
        logging.getLogger("github.Requester").removeHandler(self.counter)
        self.github.close()


def foreign_answer(exc: GithubException) -> str:
    """A clause for an error answer that did not come from GitHub's API (GitHub always answers
    an error with a JSON body carrying `message`): another server, a proxy or a captive portal
    at GITHUB_API_URL. Empty when the answer looks like GitHub's."""
    if isinstance(exc.data, dict) and "message" in exc.data:
        return ""
    server = (exc.headers or {}).get("server") or (exc.headers or {}).get("Server")
    body = "an empty body" if not exc.data else "a body that is not GitHub's JSON"
    return (f" (the answer, {exc.status} with {body}{f' from server {server!r}' if server else ''}, did not come "
            "from GitHub's API: is GITHUB_API_URL the API's address, or is a proxy answering instead?)")


def redact(text: str, token: str | None) -> str:
    """`text` with the token and anything else secret-shaped replaced (etl.shared.redaction)."""
    return redaction.redact(text, [token])


def api_url(settings: GitHubSettings) -> str:
    """GITHUB_API_URL if set (GitHub's own convention), else the configuration's, else github.com."""
    return (os.environ.get("GITHUB_API_URL") or settings.api_url or DEFAULT_API_URL).rstrip("/")


def connect(settings: GitHubSettings, *, backoff: float = 1.0) -> Client:
    """A PyGithub client for the API root and token in the environment."""
    token = os.environ.get("GITHUB_TOKEN") or None
    root = api_url(settings)
    if token is None:
        log.warning("GITHUB_TOKEN is not set: GitHub allows %d unauthenticated requests an hour, "
                    "enough only for small public organisations", UNAUTHENTICATED_LIMIT)
    counter = RequestCounter()
    requester_log = logging.getLogger("github.Requester")
    requester_log.setLevel(logging.DEBUG)
    requester_log.propagate = False
    requester_log.addHandler(counter)
    # urllib3 logs each retried connection as a warning with its exception's repr; the outcome is
    # reported once, as one line, when the retries are spent.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    retries = [0]
    retry = CountingRetry(total=TOTAL_RETRIES, connect=CONNECT_RETRIES, read=READ_RETRIES, other=CONNECT_RETRIES,
                          backoff_factor=backoff, max_rate_limit_wait=settings.max_rate_limit_wait, counter=retries)
    try:
        gh = Github(
            base_url=root,
            auth=Auth.Token(token) if token else None,
            per_page=100,
            retry=retry,
            seconds_between_requests=settings.seconds_between_requests,
            seconds_between_writes=settings.seconds_between_requests,
            timeout=TIMEOUT,
            user_agent="assembly-insights-etl",
        )
    except AssertionError:  # PyGithub asserts the URL's scheme
        requester_log.removeHandler(counter)
        raise ConnectionProblem(f"GITHUB_API_URL {root!r} is not an http:// or https:// URL") from None
    graphql = GraphQL(gh, gh.requester.graphql_url, settings.max_rate_limit_wait)
    return Client(gh, root, token, counter, retries, graphql)


def describe_network_error(exc: BaseException, url: str) -> str:
    """'cannot reach GitHub at URL (host:port): cause, after N attempts', from the exception
    chain requests and urllib3 raise."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1] or url
    chain = _chain(exc)
    if any(isinstance(e, urllib3.exceptions.ResponseError) for e in chain):
        return f"GitHub at {url} ({host}) kept failing: {_short(_deepest(chain))}, after {1 + TOTAL_RETRIES} attempts"
    return f"cannot reach GitHub at {url} ({host}): {_network_cause(exc)}, after {1 + CONNECT_RETRIES} attempts"


def _network_cause(exc: BaseException) -> str:
    chain = _chain(exc)
    for e in chain:
        if isinstance(e, (urllib3.exceptions.NameResolutionError, socket.gaierror)):
            return "the host name does not resolve (DNS)"
    for e in chain:
        if isinstance(e, (urllib3.exceptions.SSLError, ssl.SSLError, requests.exceptions.SSLError)):
            deepest = next((x for x in reversed(chain) if isinstance(x, ssl.SSLError)), e)
            reason = getattr(deepest, "verify_message", None) or getattr(deepest, "reason", None) or deepest
            return f"the TLS handshake failed ({_short(reason)})"
        if isinstance(e, (urllib3.exceptions.ProxyError, requests.exceptions.ProxyError)):
            return f"the proxy failed ({_short(_deepest(chain))})"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused (nothing is listening there)"
    for e in chain:
        if isinstance(e, (urllib3.exceptions.ConnectTimeoutError, requests.exceptions.ConnectTimeout)):
            return f"no connection within {TIMEOUT} s"
        if isinstance(e, (urllib3.exceptions.ReadTimeoutError, requests.exceptions.ReadTimeout)):
            return f"no answer within {TIMEOUT} s"
        if isinstance(e, (ConnectionResetError, urllib3.exceptions.ProtocolError)):
            return "the connection was closed before an answer came"
    return _short(_deepest(chain))


def _chain(exc: BaseException) -> list[BaseException]:
    """exc and every exception it wraps (causes, contexts, urllib3 reasons, requests' args)."""
    found, todo = [], [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in found):
            continue
        found.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "reason", None) if isinstance(
            getattr(e, "reason", None), BaseException) else None]
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
    return found


def _deepest(chain: list[BaseException]) -> BaseException:
    return chain[-1]


def _short(value) -> str:
    text = str(value)
    text = re.sub(r"<urllib3\.[^>]*>: ", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:200] or type(value).__name__


def refused_link(exc: BaseException) -> str | None:
    """What PyGithub refused, when `exc` is the AssertionError or RuntimeError it raises for a
    URL or redirect on another host, port or scheme than its base URL; else None."""
    if isinstance(exc, RuntimeError) and str(exc).startswith(("Github server redirected", "Requested ")):
        return str(exc).split(",", 1)[0]
    if not isinstance(exc, AssertionError):
        return None
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames or not frames[-1].filename.endswith(os.path.join("github", "Requester.py")):
        return None
    what = str(exc)
    if what.isdigit() or what == "None":
        return f"port {what}"
    return f"host or path {what}" if what else "a URL it does not accept"


def _seconds_to_reset(headers: dict) -> float | None:
    value = {k.lower(): v for k, v in (headers or {}).items()}.get("x-ratelimit-reset")
    if not value or not str(value).isdigit():
        return None
    return max(0.0, int(value) - time.time()) + 1


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or exc)


__all__ = ["Client", "ConnectionProblem", "GraphQL", "GraphQLUnusable", "connect", "redact", "api_url",
           "describe_network_error", "refused_link", "github"]
