"""The git source's part of a refresh: read the configured clones into the warehouse being built,
incrementally (only commits new since the last refresh; files only when the tree changed; see
state.py).

A folder that is not a repository, an empty repository or one git cannot read is logged and
listed in data_problems (source 'git'), and the rest loads.
"""
from __future__ import annotations

import logging
from pathlib import Path

from etl import db, source_config
from etl.git import fetch, rows, state
from etl.shared import contents
from etl.shared.people import People
from etl.warehouse import load

log = logging.getLogger("etl.git")


def update(con, cfg: source_config.SourcesConfig, people: People, outcome, *, incremental: bool) -> None:
    """Bring the git repositories of `cfg` up to date in the warehouse being built: find the
    clones, read the ones whose head moved (state.py), save them, remove those gone."""
    db.run(con, "DELETE FROM data_problems WHERE source = 'git'")
    previous = state.load(con, incremental)
    seen: set[str] = set()
    for path, team in _discover(con, cfg):
        _read_clone(con, cfg, path, team, previous, people, outcome, seen)
    gone = _remove_gone(con, seen)
    outcome.removed.extend(gone)
    log.info("git: %d repositories found, %d changed, %d removed", len(seen), outcome.git_changed, len(gone))


def _discover(con, cfg: source_config.SourcesConfig) -> list[tuple[Path, str | None]]:
    """Every clone of the configured folders, with the team its source names."""
    found: list[tuple[Path, str | None]] = []
    for source in cfg.git:
        repos, problems = fetch.discover([source.path])
        found += [(p, source.team) for p in repos]
        for problem in problems:
            log.warning("git: %s", problem)
            _problem(con, problem.split(":", 1)[0], "not_a_repository", problem.split(": ", 1)[-1])
    return found


def _read_clone(con, cfg: source_config.SourcesConfig, path: Path, team: str | None,
                previous: dict[str, state.CloneState], people: People, outcome, seen: set[str]) -> None:
    """One clone: skipped (a second clone, empty, unreadable: each a logged problem) or updated."""
    try:
        ident = fetch.identify(path)
        if ident.full_name in seen:
            log.warning("git: %s is a second clone of %s; skipped", path, ident.full_name)
            return
        seen.add(ident.full_name)
        outcome.listed += 1
        branch = fetch.default_branch(path)
        if branch is None:
            log.warning("git: %s (%s) has no commits; skipped", path, ident.full_name)
            _problem(con, ident.full_name, "empty_repository", f"{path} has no commits on its default branch")
            return
        team = team or cfg.team_for(ident.full_name, [])
        added = _update_repository(con, path, ident, branch, team, previous.get(ident.full_name), people, outcome)
    except fetch.GitError as exc:
        log.warning("git: %s could not be read (%s); skipped, its previous data is kept", path, exc)
        _problem(con, str(path), "unreadable_repository", str(exc))
        return
    outcome.commits_added += added
    if not team:
        _problem(con, ident.full_name, "unmapped_repository", "no team in the git source or the team rules maps it")


def _update_repository(con, path: Path, ident: fetch.Identity, branch: str, team: str | None,
                       previous: state.CloneState | None, people: People, outcome) -> int:
    """Read what changed in one clone and save it; returns the commits added."""
    name = ident.full_name
    head = fetch.head(path, branch)
    if state.unchanged(previous, branch, head):
        _save_repository_row(con, ident, branch, team, path, previous_only=True)
        return 0  # nothing new: every row carried over as it was
    outcome.git_changed += 1
    since = _since(path, previous, head)
    batch = rows.commit_rows(name, fetch.commits(path, head, since), people)
    _save_commits(con, name, batch, replace=since is None)
    tree_sha = fetch.tree_sha(path, head)
    files = fetch.tree(path, head)
    licence = rows.licence(fetch.licence_text(files, path))
    if state.files_changed(previous, tree_sha):
        _save_contents(con, name, contents.rows(name, fetch.read_files(path, files, tree_sha)))
    db.run(con, "DELETE FROM releases WHERE full_name = ?", [name])
    load.save_rows(con, "releases", rows.release_rows(name, fetch.tags(path)))
    _save_repository_row(con, ident, branch, team, path, licence=licence)
    state.save(con, state.row(name, path, branch, head, tree_sha))
    outcome.fetched += 1
    return len(batch.commits)


def _since(path: Path, previous: state.CloneState | None, head: str) -> str | None:
    """The old head to read new commits from, or None to read them all (new clone, rewritten history)."""
    old = previous.head_sha if previous else None
    return old if old and fetch.is_ancestor(path, old, head) else None


def _save_commits(con, name: str, batch: rows.CommitBatch, *, replace: bool) -> None:
    if replace:  # first read, or history rewritten: all commits again
        for table in ("commits", "commit_coauthors"):
            db.run(con, f"DELETE FROM {table} WHERE full_name = ?", [name])
    load.save_rows(con, "commits", batch.commits)
    load.save_rows(con, "commit_coauthors", batch.coauthors)


def _save_contents(con, name: str, found: contents.Contents) -> None:
    """Languages, dependencies and published packages of the default branch's files."""
    for table, batch in (("repo_languages", found.languages), ("dependencies", found.dependencies),
                         ("repo_packages", found.packages)):
        db.run(con, f"DELETE FROM {table} WHERE full_name = ?", [name])
        load.save_rows(con, table, batch)
    for p in found.problems:
        _problem(con, name, p["kind"], p["message"], detail=p["detail"])


def _save_repository_row(con, ident: fetch.Identity, branch: str, team: str | None, path: Path, *,
                         licence: str | None = None, previous_only: bool = False) -> None:
    """The `repositories` row, from the commits and languages saved (an unchanged clone keeps its licence)."""
    name = ident.full_name
    first, last = db.run(con, "SELECT min(authored_at), max(authored_at) FROM commits WHERE full_name = ?", [name])[0]
    top = db.run(con, "SELECT language FROM repo_languages WHERE full_name = ? ORDER BY bytes DESC LIMIT 1", [name])
    old = db.run(con, "SELECT license, description FROM repositories WHERE full_name = ?", [name])
    if previous_only and old:
        licence = old[0][0]
    description = fetch.description(path) or (old[0][1] if old else None)
    db.run(con, "DELETE FROM repositories WHERE full_name = ?", [name])
    load.save_rows(con, "repositories", [rows.repository_row(
        ident, branch, team, description=description, licence=licence, first_commit=first, last_commit=last,
        primary_language=top[0][0] if top else None)])


def _remove_gone(con, seen: set[str]) -> list[str]:
    """Delete the clones of earlier runs not found this time; returns their names."""
    gone = [n for (n,) in db.run(con, "SELECT full_name FROM repositories WHERE source = 'git'") if n not in seen]
    for name in gone:
        for table in state.PER_REPO + ["repositories"]:
            db.run(con, f'DELETE FROM "{table}" WHERE full_name = ?', [name])
    return gone


def _problem(con, subject: str, kind: str, message: str, detail: str = "") -> None:
    load.save_rows(con, "data_problems", [load.problem("git", subject, kind, message, detail)], replace=True)
