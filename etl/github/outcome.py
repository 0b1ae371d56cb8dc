"""What one GitHub refresh did and why it stopped, for the log and etl_runs: the Outcome
(fetched, kept, skipped, removed, moved, each with its reason), the Stop (rate limit, time
limit, failures in a row), and the Failures of parts of repositories grouped by cause, which
fail the whole run when one cause took most of them (refresh.py acts on all three)."""
from __future__ import annotations

import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field

import requests
import urllib3
from github import BadCredentialsException, GithubException, RateLimitExceededException

from etl.github import client as gh_client

# Repositories in a row failing the same way stop the run; a cause that failed at least
# SYSTEMIC_MIN repositories and more than half of those tried fails it (see Failures).
STREAK_TO_STOP = 3
SYSTEMIC_MIN = 3
_clock = time.monotonic

class RefreshError(Exception):
    """The refresh could not run; the message is one line, safe to print and store."""


@dataclass
class Outcome:
    listed: int = 0
    changed: int = 0
    fetched: int = 0
    commits_added: int = 0
    removed: list[str] = field(default_factory=list)            # the git source extends it too
    removal_reasons: dict[str, str] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)         # old name -> new name
    kept: dict[str, str] = field(default_factory=dict)          # not refreshed, previous rows kept: why
    skipped: dict[str, str] = field(default_factory=dict)       # not loaded, nothing to keep: why
    failed: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    stopped: str | None = None                                  # why the run stopped early
    stopped_at_rate_limit: bool = False
    graphql_unavailable: str | None = None
    git_changed: int = 0
    # Local clones not loaded (a second path to one clone, empty, unreadable, a folder with no
    # clone): path -> (kind, message). Reported, not a partial run: the other clones load.
    clones_skipped: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        return bool(self.stopped or self.failed or self.kept or self.skipped)

    def summary(self) -> str:
        """How many repositories were kept, skipped, removed and moved, and why, in one clause."""
        parts = []
        if self.stopped:
            parts.append(f"stopped early: {self.stopped}")
        if self.kept:
            parts.append(f"{len(self.kept)} kept with their previous data, not refreshed" + why(self.kept))
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped, not loaded" + why(self.skipped))
        parts.append(f"{len(self.removed)} removed" + why({n: self.removal_reasons.get(n, "no longer found")
                                                            for n in self.removed}))
        if self.moved:
            parts.append(f"{len(self.moved)} moved to a new name (renamed or transferred)")
        if self.clones_skipped:
            parts.append(f"{len(self.clones_skipped)} local clones or folders not loaded" + why(self.clone_kinds()))
        return "; ".join(parts)

    def clone_kinds(self) -> dict[str, str]:
        return {path: kind.replace("_", " ") for path, (kind, _) in self.clones_skipped.items()}

    def detail(self) -> dict:
        found = {"kept": self.kept, "skipped": self.skipped,
                 "removed": {n: self.removal_reasons.get(n, "no longer found") for n in self.removed},
                 "moved": self.moved,
                 "clones_skipped": {path: f"{kind}: {message}" for path, (kind, message) in self.clones_skipped.items()}}
        return {k: v for k, v in found.items() if v}


def why(reasons: dict[str, str]) -> str:
    if not reasons:
        return ""
    counts = Counter(reasons.values())
    if len(counts) == 1:
        return f" ({next(iter(counts))})"
    return " (" + "; ".join(f"{n}: {text}" for text, n in counts.most_common()) + ")"


@dataclass
class Stop:
    """Why the run stops fetching early, if it does: set at the rate limit or after failures in
    a row, or found when the time limit (`seconds`, from the start) has passed."""

    seconds: float | None = None
    started: float = field(default_factory=lambda: _clock())
    reason: str | None = None
    rate_limit: bool = False

    def due(self) -> bool:
        if self.reason is None and self.seconds is not None and _clock() - self.started >= self.seconds:
            self.reason = f"the time limit of {minutes(self.seconds)} was reached"
        return self.reason is not None


def minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"


class PartFailure(Exception):
    """A part of one repository (its commits, releases and tags, git tree, or files) could not
    be read. `cause` groups failures that share a cause (for Failures), `message` is one line."""

    def __init__(self, part: str, exc: BaseException):
        super().__init__(part)
        self.part, self.exc = part, exc
        self.status = exc.status if isinstance(exc, GithubException) else None


@contextlib.contextmanager
def part(name: str):
    try:
        yield
    except RateLimitExceededException:
        raise
    except (GithubException, requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise PartFailure(name, exc) from exc


class Failures:
    """Repository fetches that failed, by cause. STREAK_TO_STOP in a row failing the same way
    stop the run; `check` fails it when one cause took most of the repositories tried."""

    def __init__(self):
        self.by_cause: Counter = Counter()
        self.names: dict[str, list[str]] = {}
        self.lines: dict[str, str] = {}
        self.streak, self.last = 0, None

    def add(self, name: str, cause: str, line: str) -> None:
        self.by_cause[cause] += 1
        self.names.setdefault(cause, []).append(name)
        self.lines.setdefault(cause, line)
        self.streak = self.streak + 1 if cause == self.last else 1
        self.last = cause

    def succeeded(self) -> None:
        self.streak, self.last = 0, None

    def check(self, outcome: Outcome, client: gh_client.Client) -> None:
        """Raise RefreshError when most repositories tried failed the same way."""
        if not self.by_cause:
            return
        cause, n = self.by_cause.most_common(1)[0]
        tried = outcome.fetched + sum(self.by_cause.values())
        if n < SYSTEMIC_MIN or 2 * n <= tried:
            return
        failed = self.names[cause]
        hint = ""
        if cause.startswith(("404 ", "403 ")):
            hint = (f"; is {client.api_url} a proxy or gateway that passes only part of GitHub's API, or does the "
                    "token lack access?")
        raise RefreshError(f"GitHub refresh failed: {n} of {tried} repositories fetched failed the same way: "
                           f"{self.lines[cause]} ({', '.join(failed[:3])}{' ...' if len(failed) > 3 else ''}){hint}; "
                           "the warehouse was not changed")


def cause(client: gh_client.Client, failure: PartFailure) -> tuple[str, str]:
    """(what groups it, one line) for a failed part."""
    exc = failure.exc
    if isinstance(exc, BadCredentialsException) or failure.status == 401:
        return ("401 token refused",
                f"GitHub refused the token (401 Bad credentials) at {client.api_url}: check GITHUB_TOKEN")
    if failure.status is not None:
        return (f"{failure.status} for the {failure.part}",
                client.redact(f"GitHub answered {failure.status} for the {failure.part}: {reason(exc)}"))
    line = client.describe(exc) or client.redact(str(exc))
    return "network", f"the {failure.part} could not be read: {line}"


def short_reason(client: gh_client.Client, exc: BaseException) -> str:
    if isinstance(exc, GithubException):
        return client.redact(f"GitHub answered {exc.status}: {reason(exc)}")
    return client.describe(exc) or client.redact(str(exc))


def notes(outcome: Outcome) -> list[str]:
    """What the run log says about the run: why it is partial, and what it kept, skipped,
    removed and moved."""
    out = []
    if outcome.stopped:
        out.append(f"stopped early after {outcome.fetched} of {outcome.changed} repositories to fetch: "
                     f"{outcome.stopped}")
    if outcome.failed:
        out.append(f"{len(outcome.failed)} repositories could not be fetched: " + "; ".join(
            f"{k} ({v})" for k, v in list(outcome.failed.items())[:5]))
    for label, found in (("kept with their previous data, not refreshed", outcome.kept),
                         ("skipped, not loaded", outcome.skipped)):
        if found:
            out.append(f"{len(found)} {label}{why(found)}: {names(list(found))}")
    if outcome.removed:
        reasons = {n: outcome.removal_reasons.get(n, "no longer found") for n in outcome.removed}
        out.append(f"{len(outcome.removed)} removed{why(reasons)}: {names(outcome.removed)}")
    if outcome.moved:
        out.append(f"{len(outcome.moved)} moved to a new name: "
                   + names([f"{old} -> {new}" for old, new in outcome.moved.items()]))
    if outcome.clones_skipped:
        out.append(f"{len(outcome.clones_skipped)} local clones or folders not loaded{why(outcome.clone_kinds())}: "
                   + names(list(outcome.clones_skipped)))
    if outcome.graphql_unavailable:
        out.append(f"GraphQL was not available ({outcome.graphql_unavailable}): languages and files read through REST")
    return out


def names(found: list[str], shown: int = 10) -> str:
    more = f" and {len(found) - shown} more (all in repos_detail)" if len(found) > shown else ""
    return ", ".join(found[:shown]) + more


def reason(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or exc)
