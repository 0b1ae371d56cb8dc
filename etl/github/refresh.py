"""`python -m etl refresh`: load GitHub organisations, repositories and local git clones into
the warehouse.

One refresh is one warehouse build (all-or-nothing). It carries the previous warehouse's
rows over, lists every configured source, fetches only repositories whose `pushed_at`
moved (or everything with --full), removes repositories no longer listed, and records the
run. Stopping at the primary rate limit keeps every repository fetched so far and marks
the run partial; the rest are fetched next time. What each source remembers between runs
is declared in its state.py (etl/github/state.py, etl/git/state.py).
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from github import BadCredentialsException, GithubException, RateLimitExceededException, UnknownObjectException

from etl import config, db, pipeline, source_config, warehouse
from etl.git import refresh as git_refresh, state as git_state
from etl.github import client as gh_client, fetch, rows, state
from etl.records import portfolio, teams
from etl.records.errors import RecordsError
from etl.shared import contents, identity
from etl.shared.people import People
from etl.warehouse import load

log = logging.getLogger("etl.github")

# Tables an incremental refresh keeps from the previous warehouse and then updates: the
# portfolio and the people met, then what each source declares in its state.py.
PORTFOLIO = ["teams", "team_history", "memberships", "person_aliases", "projects", "project_stages", "project_teams",
             "project_tags", "project_repos", "project_outputs"]
CARRIED = list(dict.fromkeys([*PORTFOLIO, "people", "person_links", *state.CARRIED, *git_state.CARRIED,
                              "data_problems"]))


class RefreshError(Exception):
    """The refresh could not run; the message is one line, safe to print and store."""


@dataclass
class Listed:
    repo: object            # github.Repository.Repository, complete from the listing
    row: dict               # its `repositories` row


@dataclass
class Outcome:
    listed: int = 0
    changed: int = 0
    fetched: int = 0
    commits_added: int = 0
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    stopped_at_rate_limit: bool = False
    git_changed: int = 0


def refresh(db_path: Path, cfg: source_config.SourcesConfig, *, full: bool = False) -> Outcome:
    """Run one refresh of the sources in `cfg` (GitHub, local git clones, or both) into the
    warehouse at `db_path`. A run with only git sources never touches the network."""
    team_rows, project_records, record_problems = _portfolio(cfg)
    _check(cfg, team_rows)
    salt = identity.load_salt()
    client = gh_client.connect(cfg.github, backoff=cfg.github.retry_backoff) if cfg.has_github else None
    source = "+".join(name for name, wanted in (("github", cfg.has_github), ("git", bool(cfg.git))) if wanted)
    outcome = Outcome()
    try:
        with pipeline.build(db_path, source, redact=client.redact if client else (lambda text: text)) as b:
            try:
                incremental = _start(b, db_path, salt, full)
                b.meta["salt_fingerprint"] = identity.salt_fingerprint(salt)
                if project_records is not None or not incremental:
                    portfolio.save(b.con, team_rows, project_records or [], salt)
                people = People(salt, source=source.split("+")[0])
                if client:
                    update(b.con, client, cfg, people, outcome, incremental=incremental)
                if cfg.git:
                    git_refresh.update(b.con, cfg, people, outcome, incremental=incremental)
                _finish(b, client, people, outcome)
                if record_problems:
                    _note_record_problems(b, record_problems, incremental)
            except GithubException as exc:  # the run log gets the same one line the operator sees
                raise _explain(exc, client) from None
    finally:
        if client:
            client.close()
    return outcome


def _check(cfg: source_config.SourcesConfig, team_rows: dict) -> None:
    known = {t["team_id"] for t in team_rows["teams"]}
    unknown = sorted(cfg.referenced_teams() - known)
    if unknown:
        raise source_config.ConfigError(f"{cfg.path}: team(s) {', '.join(unknown)} are not in {cfg.teams_file}")
    if not (cfg.has_github or cfg.git):
        raise source_config.ConfigError("nothing to load: give --org/--repo, --git or a --config file")


def _portfolio(cfg: source_config.SourcesConfig) -> tuple[dict, list[dict] | None, list]:
    """Teams and project records for this run. Broken records do not stop a refresh: they are
    logged, and the previous records stay (None). Broken teams do stop it (TeamsError)."""
    try:
        team_rows, project_records = portfolio.read(cfg.records_dir, cfg.teams_file)
        return team_rows, project_records, []
    except RecordsError as exc:
        team_rows = teams.load(cfg.teams_file)
        for problem in exc.problems:
            log.warning("project records: %s", problem)
        return team_rows, None, exc.problems


def _note_record_problems(b: warehouse.Build, record_problems: list, incremental: bool) -> None:
    b.status = "partial"
    kept = "the previous project records are kept" if incremental else "no project records loaded"
    note = f"{len(record_problems)} problem(s) in the project records, {kept}; first: {record_problems[0]}"
    b.stats["message"] = "; ".join(filter(None, [b.stats.get("message"), note]))


def _start(b: warehouse.Build, db_path: Path, salt: str, full: bool) -> bool:
    """Carry the previous warehouse over when it can be built on; True for an incremental run."""
    meta = warehouse.live_meta(db_path)
    reason = None
    if full:
        reason = "--full was asked for"
    elif not meta:
        reason = "there is no previous warehouse"
    elif meta.get("contents") == "demo":
        reason = "the previous warehouse holds demo data, which is replaced"
    elif meta.get("schema_version") != config.SCHEMA_VERSION:
        reason = "the previous warehouse has another schema version"
    elif meta.get("salt_fingerprint") not in (None, identity.salt_fingerprint(salt)):
        reason = "the person-key salt changed"
    if reason:
        log.info("full load: %s", reason)
        return False
    warehouse.carry_over(b, CARRIED)
    log.info("incremental load on top of the previous warehouse")
    return True


# --- the GitHub source: list, decide, fetch, save -------------------------------------------

def update(con, client: gh_client.Client, cfg: source_config.SourcesConfig, people: People, outcome: Outcome,
           *, incremental: bool) -> None:
    """Bring the GitHub repositories of `cfg` up to date in the warehouse being built: list
    them, remove those gone, fetch the ones whose watermarks moved (state.py) and save them."""
    listed = _list_sources(client, cfg)
    outcome.listed = len(listed)
    previous = state.load(con, incremental)
    names = {item.row["full_name"] for item in listed}
    gone = _remove_gone(con, names, previous)
    outcome.removed.extend(gone)
    todo = [item for item in listed if state.changed(previous.get(item.row["full_name"]), item.row)]
    outcome.changed = len(todo)
    # Metadata from the listing is current for every repository, fetched or not.
    db.run(con, "DELETE FROM repositories WHERE list_contains(?, full_name)", [sorted(names)])
    load.save_rows(con, "repositories", [item.row for item in listed])
    known = _with_rows(con)
    log.info("%d repositories listed, %d changed since the last refresh, %d removed",
             len(listed), len(todo), len(gone))
    _fetch_changed(con, client, todo, previous, people, outcome, known)
    outcome.unmapped = [item.row["full_name"] for item in listed if item.row["team_id"] is None]


def _list_sources(client: gh_client.Client, cfg: source_config.SourcesConfig) -> list[Listed]:
    """Every repository the configuration asks for, with its team; one request per 100 repos of an org."""
    found: dict[str, Listed] = {}
    for org in cfg.github.organisations:
        found.update(_list_organisation(client, org))
    for single in cfg.github.repositories:
        try:
            repo, raw = fetch.fetch_repository(client.github, single.full_name)
        except UnknownObjectException:
            raise RefreshError(f"GitHub repository {single.full_name!r} was not found at {client.api_url}") from None
        found[raw["full_name"].lower()] = Listed(repo, rows.repository_row(raw, None))
    for item in found.values():
        item.row["team_id"] = cfg.team_for(item.row["full_name"], item.row["topics"])
    return sorted(found.values(), key=lambda x: x.row["full_name"].lower())


def _list_organisation(client: gh_client.Client, org) -> dict[str, Listed]:
    """The repositories of one organisation its include/exclude, fork and archive rules keep."""
    try:
        repos = list(fetch.organisation_repositories(client.github, org.name))
    except UnknownObjectException:
        raise RefreshError(f"GitHub organisation {org.name!r} was not found at {client.api_url}") from None
    kept = {}
    for repo in repos:
        raw = fetch.listed(repo)
        if org.wants(raw["name"], fork=bool(raw.get("fork")), archived=bool(raw.get("archived"))):
            kept[raw["full_name"].lower()] = Listed(repo, rows.repository_row(raw, None))
    log.info("%s: %d repositories listed, %d kept by the include/exclude, fork and archive rules",
             org.name, len(repos), len(kept))
    return kept


def _remove_gone(con, names: set[str], previous: dict[str, state.RepoState]) -> list[str]:
    """Delete the repositories of earlier runs that are no longer listed; returns their names."""
    gone = [n for (n,) in db.run(con, "SELECT full_name FROM repositories WHERE source = 'github'") if n not in names]
    gone += [n for n in previous if n not in names and n not in gone]
    for name in gone:
        _delete_repository(con, name)
    return gone


def _with_rows(con) -> set[str]:
    """Repositories with rows from earlier runs (or another source); the others have nothing to replace."""
    return {n for (n,) in db.run(con, "SELECT DISTINCT full_name FROM (" + " UNION ALL ".join(
        f'SELECT full_name FROM "{table}"' for table in state.PER_REPO) + ")")}


def _fetch_changed(con, client: gh_client.Client, todo: list[Listed], previous: dict[str, state.RepoState],
                   people: People, outcome: Outcome, known: set[str]) -> None:
    """Fetch and save each changed repository, in batches; stop at the rate limit."""
    progress = _progress(len(todo))
    pending = load.Pending(con)  # rows of fetched repositories, written in batches
    for index, item in enumerate(todo):
        name = item.row["full_name"]
        try:
            detail = _fetch_repository(client, item, previous.get(name), people)
        except RateLimitExceededException as exc:
            outcome.stopped_at_rate_limit = True
            log.warning("stopping at the GitHub rate limit (%s); %d of %d changed repositories fetched, "
                        "the rest on the next refresh", client.redact(_reason(exc)), outcome.fetched, len(todo))
            _keep_unfetched(con, todo[index:], previous)
            break
        except UnknownObjectException:
            log.warning("%s disappeared between listing and fetching; removed", name)
            _delete_repository(con, name)
            outcome.removed.append(name)
            continue
        except GithubException as exc:
            _fetch_failed(con, client, item, exc, previous, outcome)
            continue
        outcome.commits_added += _save_repository(con, name, detail, pending, known=name in known)
        outcome.fetched += 1
        progress(name, outcome.fetched)
        if outcome.fetched % 100 == 0:
            pending.flush()
    pending.flush()


def _fetch_failed(con, client: gh_client.Client, item: Listed, exc: GithubException,
                  previous: dict[str, state.RepoState], outcome: Outcome) -> None:
    name = item.row["full_name"]
    message = client.redact(f"GitHub answered {exc.status}: {_reason(exc)}")
    log.warning("%s could not be fetched (%s); its previous data is kept", name, message)
    outcome.failed[name] = message
    _keep_unfetched(con, [item], previous)
    _problem(con, name, "fetch_failed", "", message)


@dataclass
class Detail:
    commits: rows.Commits
    releases: list[dict]
    bare_tags: dict[str, str]
    contents: contents.Contents | None   # None: files unchanged, keep languages and dependencies
    state: dict


def _fetch_repository(client: gh_client.Client, item: Listed, previous: state.RepoState | None,
                      people: People) -> Detail:
    """Everything that changed in one repository, as rows; network only, nothing saved yet."""
    repo, row = item.repo, item.row
    branch = row["default_branch"]
    since = state.resume_from(previous, branch)
    commits = rows.commits(repo.full_name, fetch.fetch_commits(repo, branch, since and since.head_sha), people)
    if commits.head_sha is None:  # empty repository: no files, no tags
        releases, bare_tags, found = [], {}, contents.Contents(None, [], [], [], [])
    else:
        releases, bare_tags = rows.releases(repo.full_name, *fetch.fetch_releases(repo))
        files = fetch.fetch_files(client.github, repo, branch, since and since.tree_sha)
        found = contents.rows(repo.full_name, files) if files is not None else None
    tree_sha = found.tree_sha if found else previous.tree_sha
    return Detail(commits, releases, bare_tags, found, state.row(row, commits.head_sha, tree_sha))


def _save_repository(con, name: str, d: Detail, pending: load.Pending, *, known: bool = True) -> int:
    """Write one repository's fetched data (its old rows are deleted now, its new rows go to
    `pending`, written in batches); returns the commits added. A repository not `known` from
    earlier runs has no rows to replace, so the deletes are skipped (a first load of thousands
    of repositories would spend most of its time on them)."""
    _save_commits(con, name, d.commits, pending, known)
    _save_releases(con, name, d, pending, known)
    if d.contents is not None:
        _save_contents(con, name, d.contents, pending, known)
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ? AND kind = 'fetch_failed'", [name])
    if known:
        db.run(con, "DELETE FROM github_repo_state WHERE full_name = ?", [name])
    pending.add("github_repo_state", [d.state])
    return len(d.commits.rows)


def _save_commits(con, name: str, commits: rows.Commits, pending: load.Pending, known: bool) -> None:
    if commits.mode == "replace" and known:
        db.run(con, "DELETE FROM commit_coauthors WHERE full_name = ?", [name])
        db.run(con, "DELETE FROM commits WHERE full_name = ?", [name])
    pending.add("commits", commits.rows, replace=True)
    pending.add("commit_coauthors", commits.coauthors, replace=True)


def _save_releases(con, name: str, d: Detail, pending: load.Pending, known: bool) -> None:
    """Releases, and tags dated by their commit: among the new commits, else among those saved before."""
    tag_dates = {}
    if d.bare_tags:
        tagged = set(d.bare_tags.values())
        tag_dates = dict(db.run(con, "SELECT sha, authored_at FROM commits WHERE full_name = ? AND list_contains(?, sha)",
                                [name, sorted(tagged)]))
        tag_dates.update({c["sha"]: c["authored_at"] for c in d.commits.rows if c["sha"] in tagged})
    if known:
        db.run(con, "DELETE FROM releases WHERE full_name = ?", [name])
    pending.add("releases", d.releases + rows.tag_rows(name, d.bare_tags, tag_dates))


def _save_contents(con, name: str, found: contents.Contents, pending: load.Pending, known: bool) -> None:
    for table, batch in (("repo_languages", found.languages), ("dependencies", found.dependencies),
                         ("repo_packages", found.packages)):
        if known:
            db.run(con, f"DELETE FROM {table} WHERE full_name = ?", [name])
        pending.add(table, batch)
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ? "
                "AND kind NOT IN ('fetch_failed', 'unmapped_repository')", [name])  # the contents' problems
    for p in found.problems:
        _problem(con, name, p["kind"], p["detail"], p["message"])


def _keep_unfetched(con, items: list[Listed], previous: dict[str, state.RepoState]) -> None:
    """Repositories not fetched this time: keep their old rows, and make sure the next run fetches them."""
    for item in items:
        name = item.row["full_name"]
        if name in previous:
            state.mark_incomplete(con, name)
        else:  # never fetched: leave it out until it can be fetched whole
            db.run(con, "DELETE FROM repositories WHERE full_name = ?", [name])


def _delete_repository(con, name: str) -> None:
    for table in state.PER_REPO + ["repositories"]:
        db.run(con, f'DELETE FROM "{table}" WHERE full_name = ?', [name])
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ?", [name])


# --- the end of the run -----------------------------------------------------------------------

def _finish(b: warehouse.Build, client: gh_client.Client | None, people: People, outcome: Outcome) -> None:
    con = b.con
    _save_people(con, people)
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND kind = 'unmapped_repository'")
    load.save_rows(con, "data_problems", [
        load.problem("github", name, "unmapped_repository", "no team rule in the configuration maps this repository")
        for name in dict.fromkeys(outcome.unmapped)], replace=True)
    if outcome.unmapped:
        log.warning("%d repositories map to no team (loaded anyway): %s", len(outcome.unmapped),
                    ", ".join(outcome.unmapped[:10]) + (" ..." if len(outcome.unmapped) > 10 else ""))
    notes = _partial_notes(b, outcome)
    b.stats.update(repos_seen=outcome.listed, repos_changed=outcome.fetched, commits_added=outcome.commits_added,
                   api_requests=client.requests if client else None,
                   rate_limit_remaining=client.rate_limit_remaining() if client else None,
                   message="; ".join(notes) or None)


def _partial_notes(b: warehouse.Build, outcome: Outcome) -> list[str]:
    """Why the run is partial (and mark it so), if it is."""
    notes = []
    if outcome.stopped_at_rate_limit:
        b.status = "partial"
        notes.append(f"stopped at the rate limit after {outcome.fetched} of {outcome.changed} changed repositories")
    if outcome.failed:
        b.status = "partial"
        notes.append(f"{len(outcome.failed)} repositories could not be fetched: " + "; ".join(
            f"{k} ({v})" for k, v in list(outcome.failed.items())[:5]))
    return notes


def _save_people(con, people: People) -> None:
    """Merge the people met in this run into those already known, then drop anyone no longer referenced."""
    if people.rows:
        keys = list(people.rows)
        for key, login, bot, first in db.run(
                con, "SELECT person_key, github_login, is_bot, first_seen FROM people WHERE list_contains(?, person_key)",
                [keys]):
            row = people.rows[key]
            row["github_login"] = row["github_login"] or login
            row["is_bot"] = row["is_bot"] or bot
            if first and (row["first_seen"] is None or first < row["first_seen"]):
                row["first_seen"] = first
        load.save_rows(con, "people", list(people.rows.values()), replace=True)
    if people.links:
        load.save_rows(con, "person_links", [{"alias_key": k, "person_key": v} for k, v in people.links.items()],
                       replace=True)
    db.run(con, """DELETE FROM people WHERE person_key NOT IN (
                       SELECT person_key FROM commits UNION SELECT person_key FROM commit_coauthors
                       UNION SELECT person_key FROM memberships)""")


def _problem(con, subject: str, kind: str, detail: str, message: str) -> None:
    load.save_rows(con, "data_problems", [load.problem("github", subject, kind, message, detail)], replace=True)


def _explain(exc: GithubException, client: gh_client.Client) -> RefreshError:
    """One line saying why GitHub stopped the refresh, with no secret in it."""
    if isinstance(exc, BadCredentialsException):
        return RefreshError(f"GitHub refused the token (401 Bad credentials) at {client.api_url}: check GITHUB_TOKEN")
    if isinstance(exc, RateLimitExceededException):
        return RefreshError(client.redact(f"GitHub rate limit reached before any repository could be listed: "
                                          f"{_reason(exc)}"))
    return RefreshError(client.redact(f"GitHub answered {exc.status}: {_reason(exc)}"))


def _reason(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or exc)


def _progress(total: int):
    """A progress bar on a terminal; a log line every 10% otherwise (cron, CI)."""
    if sys.stderr.isatty() and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="repo", desc="fetching changed repositories", file=sys.stderr)
        return lambda name, done: bar.update(1) if done < total else (bar.update(1), bar.close())
    step = max(1, total // 10)
    return lambda name, done: log.info("fetched %d/%d repositories (%s)", done, total, name) \
        if done % step == 0 or done == total else None
