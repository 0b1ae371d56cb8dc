"""The GitHub source's incremental state: what one refresh leaves for the next.

Watermarks, per repository, in table github_repo_state:
- pushed_at: a repository listed with the same `pushed_at` as when it was last fetched, on
  the same default branch, whose last fetch was complete, is not fetched at all (it costs no
  request beyond the organisation listing);
- head_sha: the commits fetched next are those reachable from the branch but not from this
  one (GitHub's compare); a rewritten history reloads them all;
- tree_sha: languages, dependencies and published packages are read again only when the root
  tree of the default branch changed.
A changed default branch, or a fetch that stopped part-way (`complete` false), starts the
repository over: all commits and files are read again.

Carried over and reloaded: an incremental run carries CARRIED over from the previous
warehouse; a fetched repository has its PER_REPO rows replaced (or, for commits found by
compare, appended to); a repository no longer listed loses its PER_REPO and `repositories`
rows. The listing's `repositories` rows are rewritten on every run.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from etl import db, warehouse

# Rows of one repository, replaced when it is fetched again.
PER_REPO = ["repo_languages", "dependencies", "repo_packages", "commits", "commit_coauthors", "releases",
            "github_repo_state"]
# Tables of the GitHub source an incremental run keeps from the previous warehouse.
CARRIED = ["repositories", *PER_REPO]


@dataclass(frozen=True)
class RepoState:
    """The watermarks of one repository, as the last refresh left them."""

    full_name: str
    pushed_at: dt.datetime | None
    default_branch: str | None
    head_sha: str | None
    tree_sha: str | None
    complete: bool


def load(con, incremental: bool) -> dict[str, RepoState]:
    """Every repository's state by full name; none on a full load."""
    if not incremental:
        return {}
    found = db.run(con, "SELECT full_name, pushed_at, default_branch, head_sha, tree_sha, complete FROM github_repo_state")
    return {r[0]: RepoState(*r) for r in found}


def changed(previous: RepoState | None, row: dict) -> bool:
    """Whether a listed repository (its `repositories` row) must be fetched."""
    return (previous is None or not previous.complete or previous.pushed_at != row["pushed_at"]
            or previous.default_branch != row["default_branch"])


def resume_from(previous: RepoState | None, branch: str) -> RepoState | None:
    """The state to fetch on top of (its head and tree), or None to read everything."""
    return previous if previous is not None and previous.default_branch == branch and previous.complete else None


def row(listing: dict, head_sha: str | None, tree_sha: str | None) -> dict:
    """The `github_repo_state` row of a repository just fetched whole."""
    return {"full_name": listing["full_name"], "pushed_at": listing["pushed_at"],
            "default_branch": listing["default_branch"], "head_sha": head_sha, "tree_sha": tree_sha,
            "complete": True, "fetched_at": warehouse.utcnow()}


def mark_incomplete(con, full_name: str) -> None:
    """The repository was not fetched this time: the next refresh fetches it again."""
    db.run(con, "UPDATE github_repo_state SET complete = false WHERE full_name = ?", [full_name])
