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
repository over: all commits and files are read again. `repo_id` is GitHub's id of the
repository, which survives renames and transfers: a repository listed under a new name with
the same id keeps its rows, moved to the new name (`move`).

Carried over and reloaded: an incremental run carries CARRIED over from the previous
warehouse; a fetched repository has its PER_REPO rows replaced (or, for commits found by
compare, appended to); a repository GitHub confirms gone (404 for its id) or out of the
configuration loses its PER_REPO and `repositories` rows. The listing's `repositories` rows are
rewritten on every run. A repository a run did not refresh (stopped early, or its fetch failed)
keeps its rows: carried over by an incremental run, copied back from the previous warehouse by
a full one (`restore`), and marked incomplete so the next run fetches it again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from etl import db, warehouse
from etl.warehouse.read import _sql_str

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
    repo_id: int | None = None


_STATE = "SELECT full_name, pushed_at, default_branch, head_sha, tree_sha, complete, {id} FROM {table}"
# GitHub repositories with rows but no state (never fetched whole) still count as known.
_WITHOUT_STATE = ("SELECT full_name FROM {repos} WHERE source = 'github' "
                  "AND full_name NOT IN (SELECT full_name FROM {table})")


def load(con) -> dict[str, RepoState]:
    """Every GitHub repository of the warehouse being built (carried over), with its state."""
    return _read(con, "github_repo_state", "repositories", has_id=True)


def load_live(con, live: Path) -> dict[str, RepoState]:
    """The same for the live warehouse at `live` (a full run builds from nothing, but keeps the
    rows of what it does not refresh from there)."""
    db.run(con, f"ATTACH '{_sql_str(live)}' AS live_state (READ_ONLY)")
    try:
        has_id = bool(db.run(con, "SELECT 1 FROM duckdb_columns() WHERE database_name = 'live_state' "
                                  "AND table_name = 'github_repo_state' AND column_name = 'repo_id'"))
        return _read(con, "live_state.github_repo_state", "live_state.repositories", has_id=has_id)
    finally:
        db.run(con, "DETACH live_state")


def _read(con, table: str, repos: str, *, has_id: bool) -> dict[str, RepoState]:
    found = {r[0]: RepoState(*r) for r in db.run(con, _STATE.format(id="repo_id" if has_id else "NULL", table=table))}
    for (name,) in db.run(con, _WITHOUT_STATE.format(repos=repos, table=table)):
        found[name] = RepoState(name, None, None, None, None, False)
    return found


def changed(previous: RepoState | None, row: dict) -> bool:
    """Whether a listed repository (its `repositories` row) must be fetched."""
    return (previous is None or not previous.complete or previous.pushed_at != row["pushed_at"]
            or previous.default_branch != row["default_branch"])


def resume_from(previous: RepoState | None, branch: str) -> RepoState | None:
    """The state to fetch on top of (its head and tree), or None to read everything."""
    return previous if previous is not None and previous.default_branch == branch and previous.complete else None


def row(listing: dict, repo_id: int | None, head_sha: str | None, tree_sha: str | None) -> dict:
    """The `github_repo_state` row of a repository just fetched whole."""
    return {"full_name": listing["full_name"], "repo_id": repo_id, "pushed_at": listing["pushed_at"],
            "default_branch": listing["default_branch"], "head_sha": head_sha, "tree_sha": tree_sha,
            "complete": True, "fetched_at": warehouse.utcnow()}


def mark_incomplete(con, names: list[str]) -> None:
    """These repositories were not refreshed this time: the next refresh fetches them again."""
    db.run(con, "UPDATE github_repo_state SET complete = false WHERE list_contains(?, full_name)", [names])


def move(con, old: str, new: str) -> None:
    """A repository renamed or transferred on GitHub: its rows (and its data problems) take the new name."""
    for table in PER_REPO:
        db.run(con, f'UPDATE "{table}" SET full_name = ? WHERE full_name = ?', [new, old])
    db.run(con, "UPDATE data_problems SET subject = ? WHERE source = 'github' AND subject = ?", [new, old])
    db.run(con, "DELETE FROM repositories WHERE full_name = ?", [old])


def restore(con, live: Path, names: dict[str, str], *, keep_listed_rows: set[str]) -> None:
    """Copy the PER_REPO rows of `names` ({name in this build: name in the live warehouse}) from
    the live warehouse into the build, with the people their commits name, marked incomplete.
    Their `repositories` rows are copied too, except for those in `keep_listed_rows` (the
    listing's row, current, is already there)."""
    if not names:
        return
    db.run(con, "CREATE OR REPLACE TEMP TABLE kept_names (name VARCHAR, live_name VARCHAR)")
    db.run(con, "INSERT INTO kept_names SELECT unnest(?), unnest(?)", [list(names), list(names.values())])
    db.run(con, f"ATTACH '{_sql_str(live)}' AS kept (READ_ONLY)")
    try:
        present = set(db.run(con, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'kept'"))
        for table in ["repositories", *PER_REPO]:
            if (table,) not in present:
                continue
            skip = "AND NOT list_contains(?, k.name)" if table == "repositories" else ""
            db.run(con, f'INSERT INTO "{table}" BY NAME SELECT t.* REPLACE (k.name AS full_name) '
                        f'FROM kept."{table}" t JOIN kept_names k ON t.full_name = k.live_name WHERE true {skip}',
                   [sorted(keep_listed_rows)] if skip else [])
        db.run(con, "INSERT OR IGNORE INTO data_problems BY NAME SELECT p.* REPLACE (k.name AS subject) "
                    "FROM kept.data_problems p JOIN kept_names k ON p.subject = k.live_name "
                    "WHERE p.source = 'github' AND p.kind NOT IN ('not_refreshed', 'not_loaded')")
        db.run(con, """INSERT INTO people BY NAME SELECT * FROM kept.people
                       WHERE person_key IN (SELECT person_key FROM commits UNION SELECT person_key FROM commit_coauthors)
                         AND person_key NOT IN (SELECT person_key FROM people)""")
        db.run(con, """INSERT OR IGNORE INTO person_links BY NAME SELECT * FROM kept.person_links
                       WHERE person_key IN (SELECT person_key FROM people) OR alias_key IN (SELECT person_key FROM people)""")
    finally:
        db.run(con, "DETACH kept")
        db.run(con, "DROP TABLE kept_names")
    mark_incomplete(con, list(names))
