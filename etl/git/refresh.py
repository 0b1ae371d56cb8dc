"""The git source's part of a refresh: read the configured clones into the warehouse being built,
incrementally (only commits new since the last refresh; files only when the tree changed).

A folder that is not a repository, an empty repository or one git cannot read is logged and
listed in data_problems (source 'git'), and the rest loads.
"""
from __future__ import annotations

import logging
from pathlib import Path

from etl import db, source_config, warehouse
from etl.git import clones as gitsource
from etl.github import fetch
from etl.shared import imports, languages, manifests
from etl.warehouse import load

log = logging.getLogger("etl.git")

PER_REPO = ["repo_languages", "dependencies", "repo_packages", "commits", "commit_coauthors", "releases",
            "git_repo_state"]


def update(con, cfg: source_config.SourcesConfig, people: fetch.People, outcome, *, incremental: bool) -> None:
    """Bring the git repositories of `cfg` up to date in the warehouse being built."""
    db.run(con, "DELETE FROM data_problems WHERE source = 'git'")
    state = {r[0]: r for r in db.run(con, "SELECT full_name, path, default_branch, head_sha, tree_sha "
                                          "FROM git_repo_state")} if incremental else {}
    found: list[tuple[Path, str | None]] = []
    for source in cfg.git:
        repos, problems = gitsource.discover([source.path])
        found += [(p, source.team) for p in repos]
        for problem in problems:
            log.warning("git: %s", problem)
            _problem(con, problem.split(":", 1)[0], "not_a_repository", problem.split(": ", 1)[-1])
    seen: set[str] = set()
    for path, team in found:
        try:
            ident = gitsource.identify(path)
            if ident.full_name in seen:
                log.warning("git: %s is a second clone of %s; skipped", path, ident.full_name)
                continue
            seen.add(ident.full_name)
            outcome.listed += 1
            branch = gitsource.default_branch(path)
            if branch is None:
                log.warning("git: %s (%s) has no commits; skipped", path, ident.full_name)
                _problem(con, ident.full_name, "empty_repository", f"{path} has no commits on its default branch")
                continue
            team = team or cfg.team_for(ident.full_name, [])
            added = _update_repository(con, path, ident, branch, team, state.get(ident.full_name), people, outcome)
        except gitsource.GitError as exc:
            log.warning("git: %s could not be read (%s); skipped, its previous data is kept", path, exc)
            _problem(con, str(path), "unreadable_repository", str(exc))
            continue
        outcome.commits_added += added
        if not team:
            _problem(con, ident.full_name, "unmapped_repository", "no team in the git source or the team rules maps it")
    gone = [n for (n,) in db.run(con, "SELECT full_name FROM repositories WHERE source = 'git'") if n not in seen]
    for name in gone:
        for table in PER_REPO + ["repositories"]:
            db.run(con, f'DELETE FROM "{table}" WHERE full_name = ?', [name])
    outcome.removed.extend(gone)
    log.info("git: %d repositories found, %d changed, %d removed", len(seen), outcome.git_changed, len(gone))


def _update_repository(con, path: Path, ident: gitsource.Identity, branch: str, team: str | None, previous,
                       people: fetch.People, outcome) -> int:
    name = ident.full_name
    head = gitsource.head(path, branch)
    if previous and previous[3] == head and previous[2] == branch:
        _save_row(con, ident, branch, team, path, previous_only=True)
        return 0  # nothing new: every row carried over as it was
    outcome.git_changed += 1
    since = previous[3] if previous and previous[3] and gitsource.is_ancestor(path, previous[3], head) else None
    batch = gitsource.read_commits(path, name, head, people, since)
    if since is None:  # first read, or history rewritten: all commits again
        for table in ("commits", "commit_coauthors"):
            db.run(con, f"DELETE FROM {table} WHERE full_name = ?", [name])
    load.save_rows(con, "commits", batch.commits)
    load.save_rows(con, "commit_coauthors", batch.coauthors)
    tree_sha = gitsource.git(path, "rev-parse", f"{head}^{{tree}}").decode().strip()
    files = gitsource.tree(path, head)
    licence = gitsource.licence(files, path)
    if not previous or previous[4] != tree_sha:
        _save_contents(con, path, name, files)
    db.run(con, "DELETE FROM releases WHERE full_name = ?", [name])
    load.save_rows(con, "releases", [{"full_name": name, "tag": tag, "published_at": when}
                                     for tag, when in gitsource.tags(path)])
    _save_row(con, ident, branch, team, path, licence=licence)
    db.run(con, "DELETE FROM git_repo_state WHERE full_name = ?", [name])
    load.save_rows(con, "git_repo_state", [{"full_name": name, "path": str(path), "default_branch": branch,
                                            "head_sha": head, "tree_sha": tree_sha, "fetched_at": warehouse.utcnow()}])
    outcome.fetched += 1
    return len(batch.commits)


def _save_contents(con, path: Path, name: str, files: list[tuple[str, str, int]]) -> None:
    """Languages, dependencies and published packages of the default branch's files."""
    read = lambda shas: gitsource.blobs(path, shas)  # noqa: E731
    counted = languages.bytes_per_language(files, read)
    rows, deps, published, problems = [], [], {}, []
    for language, size in sorted(counted.items()):
        rows.append({"full_name": name, "language": language, "bytes": size})
    entries = [{"path": p, "type": "blob", "size": size, "sha": sha} for p, sha, size in files]
    wanted, problems = fetch.manifest_paths(entries)
    shas = {p: sha for p, sha, _ in files}
    contents = read([shas[p] for p in wanted])
    for manifest in sorted(wanted, key=lambda p: (p.count("/"), p)):
        data = contents.get(shas[manifest], b"")
        try:
            parsed = manifests.parse_bytes(manifest, data)
        except manifests.ManifestError as exc:
            problems.append({"kind": "manifest_unparsed", "detail": manifest, "message": str(exc)})
            continue
        deps += [{"full_name": name, **row, "inferred": False} for row in parsed]
        for row in manifests.provides(manifest, manifests.decode(data, manifest)):
            published.setdefault((row["ecosystem"], row["package"]), {"full_name": name, **row,
                                                                     "manifest_path": manifest})
    if not any(manifests.manifest_kind(p) in fetch.PYTHON_MANIFESTS for p in shas):
        sources, skipped = fetch.source_paths(entries)
        problems += skipped
        texts = {}
        for source_path, data in ((p, read([shas[p]]).get(shas[p], b"")) for p in sources):
            try:
                texts[source_path] = manifests.decode(data, source_path)
            except manifests.ManifestError as exc:
                problems.append({"kind": "source_unparsed", "detail": source_path, "message": str(exc)})
        inferred, more = imports.infer(texts, mapping=fetch._import_names(), also_local=list(shas))
        problems += more
        deps += [{"full_name": name, **row, "inferred": True} for row in inferred]
    for table, batch in (("repo_languages", rows), ("dependencies", fetch._unique_dependencies(deps)),
                         ("repo_packages", list(published.values()))):
        db.run(con, f"DELETE FROM {table} WHERE full_name = ?", [name])
        load.save_rows(con, table, batch)
    for p in problems:
        _problem(con, name, p["kind"], p["message"], detail=p["detail"])


def _save_row(con, ident: gitsource.Identity, branch: str, team: str | None, path: Path, *,
              licence: str | None = None, previous_only: bool = False) -> None:
    """The `repositories` row: dates from the commits loaded, the top language as the primary one."""
    name = ident.full_name
    first, last = db.run(con, "SELECT min(authored_at), max(authored_at) FROM commits WHERE full_name = ?", [name])[0]
    top = db.run(con, "SELECT language FROM repo_languages WHERE full_name = ? ORDER BY bytes DESC LIMIT 1", [name])
    old = db.run(con, "SELECT license, description FROM repositories WHERE full_name = ?", [name])
    if previous_only and old:
        licence = old[0][0]
    description = _description(path) or (old[0][1] if old else None)
    db.run(con, "DELETE FROM repositories WHERE full_name = ?", [name])
    load.save_rows(con, "repositories", [{
        "full_name": name, "org": ident.org, "name": ident.name, "description": description,
        "primary_language": top[0][0] if top else None, "license": licence, "archived": False, "is_fork": False,
        "created_at": first, "pushed_at": last, "default_branch": branch, "topics": [], "team_id": team,
        "source": "git", "html_url": ident.html_url}])


def _description(path: Path) -> str | None:
    """A bare clone's `description` file, unless it is git's placeholder."""
    for candidate in (Path(path) / "description", Path(path) / ".git" / "description"):
        try:
            text = candidate.read_text(errors="replace").strip()
        except OSError:
            continue
        if text and not text.startswith("Unnamed repository"):
            return text.splitlines()[0][:300]
    return None


def _problem(con, subject: str, kind: str, message: str, detail: str = "") -> None:
    load.save_rows(con, "data_problems", [load.problem("git", subject, kind, message, detail)], replace=True)
