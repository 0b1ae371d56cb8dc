"""The git source's part of a refresh: read the configured clones into the warehouse being built,
incrementally (only commits new since the last refresh; files only when the tree changed; see
state.py).

Every folder or clone that does not load is logged and listed in data_problems (source 'git'):
a folder with no clone, an empty repository, one git cannot read, the same repository reached
a second time (another path, or a clone of a repository the GitHub source loads); the rest
loads. So is what a clone lacks: history cut short (shallow), file contents left out (partial).
The counts are on `outcome.git` (a Summary) for the run's last line. Authors who share a name
under different keys are listed as possible_same_person, with the alias line that joins them.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from etl import db, source_config
from etl.git import fetch, rows, state
from etl.shared import contents
from etl.shared.people import People
from etl.warehouse import load

log = logging.getLogger("etl.git")

# Kinds of the source's data_problems found again on every run; the others are about a clone's
# files and stay until its files are read again or it is gone.
EVERY_RUN = ("not_a_repository", "search_limit", "empty_repository", "unreadable_repository", "duplicate_clone",
             "shallow_clone", "possible_same_person", "unmapped_repository")
# What git output can make go wrong while reading one clone: that clone is skipped, not the run.
READ_ERRORS = (fetch.GitError, ValueError, OSError)


@dataclass
class Summary:
    """What the git part of a run did (outcome.git): clones found and loaded, and why the
    others were skipped (a kind of data_problems row per reason)."""

    found: int = 0          # clones found in the folders given
    loaded: int = 0         # repositories loaded: read this run, or unchanged since the last
    read: int = 0           # of those, read this run (new, or changed)
    commits_added: int = 0
    removed: int = 0        # repositories of earlier runs no longer found
    skips: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (kind, message), not loaded
    problems: int = 0       # the source's data_problems rows after the run

    @property
    def skipped(self) -> Counter:
        """How many folders or clones were not loaded, by kind of reason."""
        return Counter(kind for kind, _ in self.skips.values())

    def line(self) -> str:
        why = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(self.skipped.items()))
        return (f"{self.found} clones found, {self.loaded} loaded ({self.read} read, {self.loaded - self.read} "
                f"unchanged), {sum(self.skipped.values())} skipped{f' ({why})' if why else ''}, {self.removed} "
                f"removed, {self.commits_added} commits added, {self.problems} data problems")


def update(con, cfg: source_config.SourcesConfig, people: People, outcome, *, incremental: bool) -> Summary:
    """Bring the git repositories of `cfg` up to date in the warehouse being built: find the
    clones, name them, read the ones that changed (state.py), save them, remove those gone,
    list the authors who may be one person. The counts go on `outcome.git` too."""
    previous = state.load(con, incremental)
    db.run(con, "DELETE FROM data_problems WHERE source = 'git' AND list_contains(?, kind)", [list(EVERY_RUN)])
    run = _Run(con, cfg, people, outcome, previous, _github_names(con, cfg), _known(con))
    for found, team in run.discover():
        run.clone(found, team)
    run.remove_gone()
    run.report_same_names()
    load.save_rows(con, "data_problems", list(run.problems.values()), replace=True)
    run.summary.problems = db.scalar(con, "SELECT count(*) FROM data_problems WHERE source = 'git'")
    outcome.git = run.summary
    outcome.clones_skipped = run.summary.skips  # counted in the run's last line and etl_runs
    log.info("git: %s", run.summary.line())
    return run.summary


def _known(con) -> set[str]:
    """Repositories with rows from earlier runs; the others have no rows to delete before saving."""
    return {n for (n,) in db.run(con, "SELECT full_name FROM repositories UNION SELECT full_name FROM git_repo_state")}


def _github_names(con, cfg: source_config.SourcesConfig) -> set[str]:
    """Repositories the GitHub source loads in this run (lower case): a clone of one is not read."""
    if not cfg.has_github:
        return set()
    return {n.lower() for (n,) in db.run(con, "SELECT full_name FROM repositories WHERE source = 'github'")}


@dataclass
class _Reading:
    """What was read from one clone; nothing is saved until all of it was read."""

    found: fetch.Found
    ident: fetch.Identity
    branch: str
    head: str
    mode: str                             # which commits were read (state.plan)
    batch: rows.CommitBatch
    tree_sha: str | None                  # for the state: None to read the files again next time
    contents: contents.Contents | None    # None: the files are as last read
    licence: str | None
    releases: list[dict]
    authors: Counter                      # commits per (name, person key) of the whole history
    boundary: list[str]


@dataclass
class _Run:
    con: object
    cfg: source_config.SourcesConfig
    people: People
    outcome: object
    previous: dict[str, state.CloneState]
    github: set[str]
    known: set[str]
    summary: Summary = field(default_factory=Summary)
    problems: dict[tuple, dict] = field(default_factory=dict)  # data_problems rows, saved at the end
    taken: dict[str, Path] = field(default_factory=dict)     # lower-case name -> the clone loaded under it
    reached: dict[Path, Path] = field(default_factory=dict)  # resolved folder -> the path it was first reached by
    loaded: set[str] = field(default_factory=set)
    kept: set[str] = field(default_factory=set)              # unreadable this time: previous rows kept
    authors: list[tuple[str, str, int, str]] = field(default_factory=list)

    def discover(self) -> list[tuple[fetch.Found, str | None]]:
        """Every clone of the configured folders, with the team its source names."""
        found: list[tuple[fetch.Found, str | None]] = []
        for source in self.cfg.git:
            clones, problems = fetch.discover([source.path])
            found += [(c, source.team) for c in clones]
            for p in problems:
                self.skip(p.subject, p.kind, p.message)
        self.summary.found = len(found)
        return found

    def skip(self, subject: str, kind: str, message: str) -> None:
        log.warning("git: %s: %s", subject, message)
        self.summary.skips[subject] = (kind, message)
        self.problem(subject, kind, message)

    def problem(self, subject: str, kind: str, message: str, detail: str = "") -> None:
        row = load.problem("git", subject, kind, message, detail)
        self.problems[(subject, kind, detail)] = row

    def clone(self, found: fetch.Found, team: str | None) -> None:
        """One clone: skipped (the same repository again, empty, unreadable: each reported) or loaded."""
        ident = None
        try:
            ident = self._name(found)
            if ident is None:
                return
            branch = fetch.default_branch(found.path)
            if branch is None:
                self.skip(str(found.path), "empty_repository", f"{ident.full_name} has no commits on its default branch")
                return
            reading = _read(found, ident, branch, self.previous.get(ident.full_name), self.people)
        except READ_ERRORS as exc:
            self.skip(str(found.path), "unreadable_repository", f"could not be read ({exc}); skipped"
                      + (f", the previous data of {ident.full_name} is kept" if ident else ""))
            if ident:
                self.kept.add(ident.full_name)
            return
        self.taken[ident.full_name.lower()] = found.path
        self._save(reading, team or self.cfg.team_for(ident.full_name, []))

    def _name(self, found: fetch.Found) -> fetch.Identity | None:
        """The clone's name, or None when it is a repository already met (reported)."""
        real = found.path.resolve()
        if real in self.reached:
            self.skip(str(found.path), "duplicate_clone", f"the same clone as {self.reached[real]}, reached by "
                      "another path; loaded once")
            return None
        self.reached[real] = found.path
        for ident in fetch.names(found):
            if ident.full_name.lower() in self.github:
                self.skip(str(found.path), "duplicate_clone", f"a clone of {ident.full_name}, which the GitHub "
                          "source loads in this run; the clone is not read")
                db.run(self.con, "DELETE FROM git_repo_state WHERE full_name = ?", [ident.full_name])
                return None
            first = self.taken.get(ident.full_name.lower())
            if first is None:
                return ident
            if ident.from_remote or fetch.same_history(found.path, first):
                self.skip(str(found.path), "duplicate_clone", f"a second clone of {ident.full_name} (the first is "
                          f"{first}); loaded once")
                return None
        raise fetch.GitError(f"{found.path}: every name it could take is taken")  # pragma: no cover

    def _save(self, r: _Reading, team: str | None) -> None:
        """Write everything read from one clone: commits, files, releases, the repository row, the state."""
        con, name = self.con, r.ident.full_name
        known = name in self.known
        if r.mode == "replace" and known:
            for table in ("commits", "commit_coauthors"):
                db.run(con, f"DELETE FROM {table} WHERE full_name = ?", [name])
        load.save_rows(con, "commits", r.batch.commits, replace=r.mode != "replace")
        load.save_rows(con, "commit_coauthors", r.batch.coauthors, replace=r.mode != "replace")
        if r.contents is not None:
            self._save_contents(name, r.contents, known)
        if known:
            db.run(con, "DELETE FROM releases WHERE full_name = ?", [name])
        load.save_rows(con, "releases", r.releases)
        _save_repository_row(con, r, team, known)
        if r.mode != "none" or r.contents is not None:
            state.save(con, state.row(name, r.found.path, r.branch, r.head, r.tree_sha))
        if r.boundary:
            self.problem(name, "shallow_clone", f"a shallow clone: its history stops at {len(r.boundary)} "
                         "commit(s) whose parents are not in the clone, so commits before them are not counted and "
                         "the repository's creation date is unknown", detail=" ".join(r.boundary))
            log.warning("git: %s (%s) is a shallow clone; commits before its cut are not counted", r.found.path, name)
        if not team:
            self.problem(name, "unmapped_repository", "no team in the git source or the team rules maps it")
        self._count(r)

    def _save_contents(self, name: str, found: contents.Contents, known: bool) -> None:
        """Languages, dependencies and published packages of the default branch's files, and the
        problems met reading them (replacing those of the last read)."""
        for table, batch in (("repo_languages", found.languages), ("dependencies", found.dependencies),
                             ("repo_packages", found.packages)):
            if known:
                db.run(self.con, f"DELETE FROM {table} WHERE full_name = ?", [name])
            load.save_rows(self.con, table, batch)
        if known:
            db.run(self.con, "DELETE FROM data_problems WHERE source = 'git' AND subject = ? "
                             "AND NOT list_contains(?, kind)", [name, list(EVERY_RUN)])
        for p in found.problems:
            self.problem(name, p["kind"], p["message"], detail=p["detail"])

    def _count(self, r: _Reading) -> None:
        name = r.ident.full_name
        self.loaded.add(name)
        self.summary.loaded += 1
        self.outcome.listed += 1
        self.authors += [(author, key, n, name) for (author, key), n in r.authors.items()]
        if r.mode != "none" or r.contents is not None:
            self.summary.read += 1
            self.summary.commits_added += len(r.batch.commits)
            self.outcome.git_changed += 1
            self.outcome.fetched += 1
            self.outcome.commits_added += len(r.batch.commits)

    def remove_gone(self) -> None:
        """Delete the clones of earlier runs not found this time (a clone now loaded from GitHub
        keeps GitHub's rows, and loses only its git state)."""
        names = {n for (n,) in db.run(self.con, "SELECT full_name FROM repositories WHERE source = 'git' "
                                                "UNION SELECT full_name FROM git_repo_state")}
        gone = sorted(n for n in names if n not in self.loaded and n not in self.kept)
        for name in gone:
            tables = ["git_repo_state"] if name.lower() in self.github else state.PER_REPO + ["repositories"]
            for table in tables:
                db.run(self.con, f'DELETE FROM "{table}" WHERE full_name = ?', [name])
            db.run(self.con, "DELETE FROM data_problems WHERE source = 'git' AND subject = ?", [name])
        self.summary.removed = len(gone)
        self.outcome.removed.extend(gone)

    def report_same_names(self) -> None:
        """possible_same_person rows: authors with one name and keys no alias or link joins yet."""
        pairs = [(a, p, "alias") for a, p in db.run(self.con, "SELECT alias_key, person_key FROM person_aliases")]
        pairs += [(a, p, "link") for a, p in db.run(self.con, "SELECT alias_key, person_key FROM person_links")]
        pairs += [(a, p, "link") for a, p in self.people.links.items()]
        found = rows.same_name_problems(self.authors, _persons(pairs), {p for _, p, how in pairs if how == "alias"},
                                        str(self.cfg.teams_file))
        for p in found:
            self.problem(p["subject"], p["kind"], p["message"])
        if found:
            log.warning("git: %d groups of person keys share an author name; the Data page lists the alias line "
                        "that joins each", len(found))


def _read(found: fetch.Found, ident: fetch.Identity, branch: str, previous: state.CloneState | None,
          people: People) -> _Reading:
    """Everything that changed in one clone, read with git; nothing saved."""
    path, name = found.path, ident.full_name
    head = fetch.head(path, branch)
    boundary = fetch.shallow_boundary(path, head)
    tree_sha = fetch.tree_sha(path, head)
    files = fetch.tree(path, head) if state.files_changed(previous, tree_sha) else None
    mailmap = fetch.mailmap_of(found, files)
    moved = previous is not None and previous.head_sha not in (None, head)
    mode = state.plan(previous, branch, head, boundary,
                      old_is_ancestor=moved and fetch.is_ancestor(path, previous.head_sha, head),
                      mailmap_changed=moved and _mailmap_changed(path, previous.head_sha, head))
    since = previous.head_sha if mode == "append" else None
    batch = rows.commit_rows(name, fetch.commits(path, head, since, mailmap) if mode != "none" else (), people)
    whole = batch.authors if mode in ("replace", "merge") else rows.author_keys(
        fetch.authors(path, head, mailmap), people.salt)
    found_contents, licence = None, None
    if files is not None:
        found_contents = contents.rows(name, fetch.read_files(path, files))
        found_contents.problems += _file_problems(files, mailmap)
        licence = rows.licence(fetch.licence_text(files, path))
    releases = rows.release_rows(name, fetch.tags(path))
    kept_tree = previous.tree_sha if previous and files is None else (None if files.absent else files.sha)
    return _Reading(found, ident, branch, head, mode, batch, kept_tree, found_contents, licence, releases, whole,
                    boundary)


def _mailmap_changed(path: Path, old: str, new: str) -> bool:
    """True when the committed .mailmap differs between two heads (unknown when the old one is gone: False)."""
    before = fetch.mailmap_blob(path, old)
    return before is not None and before != fetch.mailmap_blob(path, new)


def _file_problems(files: fetch.Tree, mailmap: fetch.Mailmap) -> list[dict]:
    """What could not be read because its content is not in the clone."""
    problems = []
    if files.absent:
        total = len(files.files) + len(files.absent)
        licence = "; the licence file is among them, so the licence is unknown" if fetch.licence_absent(files) else ""
        problems.append({"kind": "blobs_absent", "detail": "", "message": (
            f"{len(files.absent):,} of {total:,} files of the default branch are not in the clone (a partial clone, "
            f"or a damaged one): their size is unknown, so languages count the {len(files.files):,} files present; "
            f"nothing was fetched{licence}")})
    if not mailmap.readable:
        problems.append({"kind": "mailmap_unreadable", "detail": ".mailmap", "message": (
            ".mailmap is not in the clone (a partial clone), so authors are keyed by the addresses they committed "
            "with, unmapped")})
    return problems


def _persons(pairs: list[tuple[str, str, str]]) -> dict[str, str]:
    """Each key joined to others (by an alias or a GitHub link, at any distance) -> the key its
    person is named by in teams.yml: the person of an alias, else a GitHub account's key, else
    the lowest key that is no alias."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for alias, person, _ in pairs:
        a, b = root(alias), root(person)
        if a != b:
            parent[a] = b
    targets = {p for _, p, how in pairs if how == "alias"}
    linked = {p for _, p, how in pairs if how == "link"}
    aliases = {a for a, _, how in pairs if how == "alias"}
    members = defaultdict(list)
    for key in {k for a, p, _ in pairs for k in (a, p)}:
        members[root(key)].append(key)
    person_of = {}
    for keys in members.values():
        best = min(keys, key=lambda k: (k not in targets, k in aliases, k not in linked, k))
        person_of.update(dict.fromkeys(keys, best))
    return person_of


def _save_repository_row(con, r: _Reading, team: str | None, known: bool) -> None:
    """The `repositories` row, from the commits and languages saved (files not read again keep
    their licence). A shallow clone's first commit is not its creation: created_at stays empty."""
    name = r.ident.full_name
    first, last = db.run(con, "SELECT min(authored_at), max(authored_at) FROM commits WHERE full_name = ?", [name])[0]
    top = db.run(con, "SELECT language FROM repo_languages WHERE full_name = ? ORDER BY bytes DESC LIMIT 1", [name])
    old = db.run(con, "SELECT license, description FROM repositories WHERE full_name = ?", [name]) if known else []
    licence = r.licence if r.contents is not None else (old[0][0] if old else None)
    description = fetch.description(r.found.path) or (old[0][1] if old else None)
    if known:
        db.run(con, "DELETE FROM repositories WHERE full_name = ?", [name])
    load.save_rows(con, "repositories", [rows.repository_row(
        r.ident, r.branch, team, description=description, licence=licence,
        first_commit=None if r.boundary else first, last_commit=last, primary_language=top[0][0] if top else None)])

