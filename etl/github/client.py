"""The PyGithub client, configured from the environment, counting its requests."""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import github
from github import Auth, Github, GithubRetry

from etl.source_config import DEFAULT_API_URL, GitHubSettings

log = logging.getLogger("etl.github")
UNAUTHENTICATED_LIMIT = 60


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
class Client:
    github: Github
    api_url: str
    token: str | None
    counter: RequestCounter
    retries: list[int]

    @property
    def requests(self) -> int:
        """HTTP requests made so far, retried attempts included."""
        return self.counter.responses + self.retries[0]

    def rate_limit_remaining(self) -> int | None:
        remaining, _limit = self.github.rate_limiting
        return None if remaining < 0 else remaining

    def redact(self, text: str) -> str:
        """Text with the token (if any) replaced, safe for logs, errors and the warehouse."""
        return redact(text, self.token)

    def close(self) -> None:
        logging.getLogger("github.Requester").removeHandler(self.counter)
        self.github.close()


def redact(text: str, token: str | None) -> str:
    text = str(text)
    if token:
        text = text.replace(token, "***")
    return re.sub(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(token|bearer)\s+[^\s'\",}]+", r"\1\2 ***", text)


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
    retries = [0]
    retry = CountingRetry(total=8, backoff_factor=backoff, max_rate_limit_wait=settings.max_rate_limit_wait,
                          counter=retries)
    gh = Github(
        base_url=root,
        auth=Auth.Token(token) if token else None,
        per_page=100,
        retry=retry,
        seconds_between_requests=settings.seconds_between_requests,
        seconds_between_writes=settings.seconds_between_requests,
        timeout=30,
        user_agent="assembly-insights-etl",
    )
    return Client(gh, root, token, counter, retries)


__all__ = ["Client", "connect", "redact", "api_url", "github"]
