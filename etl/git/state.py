"""The git source's incremental state: what one refresh leaves for the next.

Watermarks, per clone, in table git_repo_state:
- head_sha (with default_branch): a clone whose branch head is the same commit on the same
  branch is not read at all, its rows carried over as they were; otherwise the commits read
  are those reachable from the new head but not from this one, or all of them when history
  was rewritten (this one is no longer an ancestor of the new head);
- tree_sha: languages, dependencies and published packages are read again only when the
  root tree changed.

Carried over and reloaded: an incremental run carries CARRIED over from the previous
warehouse. A changed clone has its `repositories` row, releases and state rewritten, its
commits appended to (or replaced, after a rewrite) and, if the tree changed, its languages,
dependencies and packages replaced. A clone no longer found loses its PER_REPO and
`repositories` rows. The source's data_problems are found again on every run.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl import db, warehouse
from etl.warehouse import load as warehouse_load

# Rows of one clone, deleted when it is no longer found.
PER_REPO = ["repo_languages", "dependencies", "repo_packages", "commits", "commit_coauthors", "releases",
            "git_repo_state"]
# Tables of the git source an incremental run keeps from the previous warehouse.
CARRIED = ["repositories", *PER_REPO]


@dataclass(frozen=True)
class CloneState:
    """The watermarks of one clone, as the last refresh left them."""

    full_name: str
    path: str
    default_branch: str | None
    head_sha: str | None
    tree_sha: str | None


def load(con, incremental: bool) -> dict[str, CloneState]:
    """Every clone's state by full name; none on a full load."""
    if not incremental:
        return {}
    found = db.run(con, "SELECT full_name, path, default_branch, head_sha, tree_sha FROM git_repo_state")
    return {r[0]: CloneState(*r) for r in found}


def unchanged(previous: CloneState | None, branch: str, head: str) -> bool:
    """True when the clone's branch head is where the last refresh left it."""
    return bool(previous and previous.head_sha == head and previous.default_branch == branch)


def files_changed(previous: CloneState | None, tree_sha: str) -> bool:
    """Whether the files must be read again (a new clone, or a new root tree)."""
    return not previous or previous.tree_sha != tree_sha


def row(full_name: str, path: Path, branch: str, head: str, tree_sha: str) -> dict:
    """The `git_repo_state` row of a clone just read."""
    return {"full_name": full_name, "path": str(path), "default_branch": branch, "head_sha": head,
            "tree_sha": tree_sha, "fetched_at": warehouse.utcnow()}


def save(con, state_row: dict) -> None:
    """Replace the clone's state with `state_row`."""
    db.run(con, "DELETE FROM git_repo_state WHERE full_name = ?", [state_row["full_name"]])
    warehouse_load.save_rows(con, "git_repo_state", [state_row])
