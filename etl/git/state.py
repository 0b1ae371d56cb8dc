"""The git source's incremental state: what one refresh leaves for the next.

Watermarks, per clone, in table git_repo_state:
- head_sha (with default_branch): a clone whose branch head is the same commit on the same
  branch is not read again, its rows carried over as they were; otherwise plan() says which
  commits are read: those reachable from the new head but not from this one, or all of them
  when history was rewritten (this one is no longer an ancestor of the new head) or the
  .mailmap changed;
- tree_sha: languages, dependencies and published packages are read again only when the
  root tree changed. It is left empty when some files' contents were not in the clone (a
  partial clone), so those are read again on every run, in case the blobs were fetched since;
- the shallow boundary: a shallow clone's cut-off commits are the detail of its
  `shallow_clone` row in data_problems (carried over like the rest). A clone whose cut moved
  (deepened, or made whole) is read again; a shallow clone whose old head is gone (fetched
  again with --depth) is merged: the commits it holds are added to those saved, none removed.

Carried over and reloaded: an incremental run carries CARRIED over from the previous
warehouse. A read clone has its commits appended to (merged, or replaced), its releases,
`repositories` row and state rewritten and, if the tree changed, its languages, dependencies,
packages and the problems met reading its files replaced. Every row of a clone is written
after everything was read from it, so a clone git fails on part-way keeps its previous rows
and state together. A clone no longer found loses its PER_REPO and `repositories` rows. The
source's other data_problems are found again on every run.
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
    boundary: tuple[str, ...] = ()  # a shallow clone's cut-off commits, sorted


def load(con, incremental: bool) -> dict[str, CloneState]:
    """Every clone's state by full name; none on a full load."""
    if not incremental:
        return {}
    cut = {subject: tuple(detail.split()) for subject, detail in db.run(
        con, "SELECT subject, detail FROM data_problems WHERE source = 'git' AND kind = 'shallow_clone'")}
    found = db.run(con, "SELECT full_name, path, default_branch, head_sha, tree_sha FROM git_repo_state")
    return {r[0]: CloneState(*r, boundary=cut.get(r[0], ())) for r in found}


def plan(previous: CloneState | None, branch: str, head: str, boundary: list[str], *, old_is_ancestor: bool,
         mailmap_changed: bool) -> str:
    """Which commits to read: "none" (the head and the shallow cut are where they were),
    "append" (those new since the old head), "replace" (all, replacing those saved: a new clone,
    a rewritten history, a changed .mailmap, a shallow clone made whole) or "merge" (all the
    clone holds, added to those saved: a shallow clone whose old head is gone or whose cut moved)."""
    if previous is None or previous.head_sha is None or mailmap_changed:
        return "replace"
    if tuple(boundary) == previous.boundary:
        if previous.head_sha == head and previous.default_branch == branch:
            return "none"
        if old_is_ancestor:
            return "append"
    return "merge" if boundary else "replace"


def files_changed(previous: CloneState | None, tree_sha: str) -> bool:
    """Whether the files must be read again (a new clone, a new root tree, or files not all read last time)."""
    return not previous or previous.tree_sha != tree_sha


def row(full_name: str, path: Path, branch: str, head: str, tree_sha: str | None) -> dict:
    """The `git_repo_state` row of a clone just read (tree_sha None: read its files again next time)."""
    return {"full_name": full_name, "path": str(path), "default_branch": branch, "head_sha": head,
            "tree_sha": tree_sha, "fetched_at": warehouse.utcnow()}


def save(con, state_row: dict) -> None:
    """Replace the clone's state with `state_row`."""
    db.run(con, "DELETE FROM git_repo_state WHERE full_name = ?", [state_row["full_name"]])
    warehouse_load.save_rows(con, "git_repo_state", [state_row])
