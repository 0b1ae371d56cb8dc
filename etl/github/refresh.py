"""`python -m etl refresh`: load GitHub organisations, repositories and local git clones into
the warehouse.

One refresh is one warehouse build (all-or-nothing). It carries the previous warehouse's
rows over, lists every configured source, fetches only repositories whose `pushed_at`
moved (or everything with --full), and records the run. What each source remembers between
runs is declared in its state.py (etl/github/state.py, etl/git/state.py).

Nothing is lost and nothing is skipped silently:
- A repository no longer listed is removed only when GitHub confirms it gone (404 for its id);
  one listed under a new name with the same id (renamed, transferred) keeps its rows, moved.
- A 404, 403 or other error from a part of a repository (commits, releases, tree, files) fails
  that repository only: reported, its previous rows kept, fetched again next run.
- Whatever stops a run early (the rate limit, GraphQL's rate limit, failures in a row, the time
  limit), full or incremental, every repository it did not refresh keeps its previous rows.
- When most repositories fail the same way (token, network, a missing endpoint), the run fails
  with one line and the live warehouse is left as it was.
The run's last log line and etl_runs say how many repositories were kept, skipped, removed or
moved, and why (etl_runs.repos_detail names each).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3
from github import BadCredentialsException, GithubException, RateLimitExceededException

from etl import config, db, pipeline, source_config, warehouse
from etl.git import refresh as git_refresh, state as git_state
from etl.github import client as gh_client, fetch, rows, state
from etl.github.outcome import (STREAK_TO_STOP, Failures, Outcome, PartFailure, RefreshError, Stop, cause, notes,
                                part, reason, short_reason)
from etl.records import portfolio, teams
from etl.records.errors import RecordsError
from etl.shared import contents, identity
from etl.shared.people import People
from etl.warehouse import load

log = logging.getLogger("etl.github")

# Tables an incremental refresh keeps from the previous warehouse and then updates: the
# portfolio and the people met, then what each source declares in its state.py.
CARRIED = list(dict.fromkeys([*portfolio.PORTFOLIO_TABLES, "people", "person_links", *state.CARRIED, *git_state.CARRIED,
                              "data_problems"]))


@dataclass
class Listed:
    repo: object            # github.Repository.Repository, complete from the listing
    row: dict               # its `repositories` row
    repo_id: int | None = None


@dataclass
class Listing:
    """What the configured sources list, and how far the listing got."""

    items: list[Listed] = field(default_factory=list)
    configured_owners: set[str] = field(default_factory=set)   # lower case
    configured_names: set[str] = field(default_factory=set)
    covered_owners: set[str] = field(default_factory=set)      # organisations listed to the end
    covered_names: set[str] = field(default_factory=set)       # configured repositories asked for
    excluded: set[str] = field(default_factory=set)            # listed, left out by the rules
    unlisted: dict[str, str] = field(default_factory=dict)     # configured source -> why not listed
    stopped: str | None = None                                 # why the listing stopped early

    def configures(self, name: str) -> bool:
        return name.lower() in self.configured_names or name.split("/")[0].lower() in self.configured_owners

    def covers(self, name: str) -> bool:
        """Whether the listing would have shown `name` if it were still there."""
        return name.lower() in self.covered_names or name.split("/")[0].lower() in self.covered_owners


@dataclass(frozen=True)
class Base:
    """What a run builds on: the previous warehouse carried over (incremental), or nothing, with
    the previous warehouse (`live`) to copy back what a full run does not refresh."""

    incremental: bool
    live: Path | None = None


def refresh(db_path: Path, cfg: source_config.SourcesConfig, *, full: bool = False, confirm_removals: bool = False,
            time_limit: float | None = None) -> Outcome:
    """Run one refresh of the sources in `cfg` (GitHub, local git clones, or both) into the
    warehouse at `db_path`. A run with only git sources never touches the network.
    `time_limit`: seconds after which no further repository is fetched (the rest keep their
    previous rows; the run is partial). `confirm_removals`: a large removal is expected."""
    found, record_problems = _portfolio(cfg)
    _check(cfg, found.teams)
    salt = identity.load_salt()
    client = _connect(cfg) if cfg.has_github else None
    source = "+".join(name for name, wanted in (("github", cfg.has_github), ("git", bool(cfg.git))) if wanted)
    outcome = Outcome()
    stop = Stop(time_limit)
    try:
        with pipeline.build(db_path, source, redact=client.redact if client else (lambda text: text)) as b:
            try:
                base = _start(b, db_path, salt, full)
                b.meta["salt_fingerprint"] = identity.salt_fingerprint(salt)
                if not record_problems or not base.incremental:
                    portfolio.save(b.con, found, salt)
                people = People(salt, source=source.split("+")[0])
                if client:
                    update(b.con, client, cfg, people, outcome, base=base, stop=stop)
                if cfg.git:
                    git_refresh.update(b.con, cfg, people, outcome, incremental=base.incremental)
                _finish(b, client, people, outcome, confirm_removals=confirm_removals)
                if record_problems:
                    _note_record_problems(b, record_problems, base.incremental)
            except GithubException as exc:  # the run log gets the same one line the operator sees
                raise _explain(exc, client) from None
            except (RefreshError, warehouse.WarehouseError):
                raise
            except Exception as exc:  # network trouble, or links PyGithub will not follow: one line
                line = client.describe(exc) if client else None
                if line is None:
                    raise
                raise RefreshError(line) from None
    finally:
        if client:
            client.close()
    return outcome


def _connect(cfg: source_config.SourcesConfig) -> gh_client.Client:
    try:
        return gh_client.connect(cfg.github, backoff=cfg.github.retry_backoff)
    except gh_client.ConnectionProblem as exc:
        raise RefreshError(str(exc)) from None


def _check(cfg: source_config.SourcesConfig, team_rows: dict) -> None:
    known = {t["team_id"] for t in team_rows["teams"]}
    unknown = sorted(cfg.referenced_teams() - known)
    if unknown:
        raise source_config.ConfigError(f"{cfg.path}: team(s) {', '.join(unknown)} are not in {cfg.teams_file}")
    if not (cfg.has_github or cfg.git):
        raise source_config.ConfigError("nothing to load: give --org/--repo, --git or a --config file")


def _portfolio(cfg: source_config.SourcesConfig) -> tuple[portfolio.Portfolio, list]:
    """Teams, project records and needs for this run, and the records' problems. Broken records
    or needs do not stop a refresh: they are logged, and the previous records and needs stay
    (the Portfolio then holds the teams alone). Broken teams do stop it (TeamsError)."""
    try:
        return portfolio.read(cfg.records_dir, cfg.teams_file, cfg.needs_dir), []
    except RecordsError as exc:
        team_rows = teams.load(cfg.teams_file)
        for problem in exc.problems:
            log.warning("project records: %s", problem)
        return portfolio.Portfolio(team_rows), exc.problems


def _note_record_problems(b: warehouse.Build, record_problems: list, incremental: bool) -> None:
    b.status = "partial"
    kept = "the previous records and needs are kept" if incremental else "no records or needs loaded"
    note = f"{len(record_problems)} problem(s) in the project records or needs, {kept}; first: {record_problems[0]}"
    b.stats["message"] = "; ".join(filter(None, [b.stats.get("message"), note]))


def _start(b: warehouse.Build, db_path: Path, salt: str, full: bool) -> Base:
    """Carry the previous warehouse over when it can be built on (an incremental run); a full
    run starts from nothing but may keep rows from it (Base.live)."""
    meta, reason = _previous(db_path, full)
    if not reason and meta.get("contents") == "demo":
        reason = "the previous warehouse holds demo data, which is replaced"
    elif not reason and meta.get("salt_fingerprint") not in (None, identity.salt_fingerprint(salt)):
        reason = "the person-key salt changed"
    if reason:
        log.info("full load: %s", reason)
        return Base(incremental=False)
    if full:
        log.info("full load: --full was asked for (repositories it does not refresh keep their previous rows)")
        return Base(incremental=False, live=db_path)
    warehouse.carry_over(b, CARRIED)
    log.info("incremental load on top of the previous warehouse")
    return Base(incremental=True)


def _previous(db_path: Path, full: bool) -> tuple[dict[str, str], str | None]:
    """The live warehouse's meta, or why a run cannot build on it (a full load): there is none, it
    is of another schema version (rebuilt), or it is damaged and --full asks to rebuild it.
    Anything else is not replaced: WarehouseError, saying why."""
    try:
        return warehouse.examine(db_path), None
    except warehouse.Unreadable as exc:
        if exc.kind in ("missing", "empty"):
            return {}, "there is no previous warehouse"
        if exc.kind == "other_schema":
            return {}, (f"the previous warehouse has schema {exc.meta.get('schema_version', 'unknown')}, "
                        f"this version writes {config.SCHEMA_VERSION}; it is rebuilt")
        if exc.kind == "damaged" and full:
            return {}, "the previous warehouse cannot be read (--full rebuilds it)"
        raise warehouse.WarehouseError(str(exc)) from None


# --- the GitHub source: list, reconcile, fetch, save ------------------------------------------

def update(con, client: gh_client.Client, cfg: source_config.SourcesConfig, people: People, outcome: Outcome,
           *, base: Base, stop: Stop | None = None) -> None:
    """Bring the GitHub repositories of `cfg` up to date in the warehouse being built: list
    them, match them with the previous warehouse's (moved, gone, kept), fetch the ones whose
    watermarks moved (state.py) and save them, keeping the rows of what it does not refresh."""
    stop = stop or Stop()
    listing = _list_sources(client, cfg)
    outcome.listed = len(listing.items)
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND kind IN ('not_refreshed', 'not_loaded')")
    if listing.stopped:
        stop.reason, stop.rate_limit = listing.stopped, True
    known_before = state.load(con) if base.incremental else state.load_live(con, base.live) if base.live else {}
    previous, origin = _reconcile(con, client, listing, known_before, base, outcome)
    _note_unlisted(con, listing, known_before, outcome)
    names = {item.row["full_name"] for item in listing.items}
    # Metadata from the listing is current for every repository, fetched or not.
    db.run(con, "DELETE FROM repositories WHERE list_contains(?, full_name)", [sorted(names)])
    load.save_rows(con, "repositories", [item.row for item in listing.items])
    todo = [item for item in listing.items
            if not base.incremental or state.changed(previous.get(item.row["full_name"]), item.row)]
    outcome.changed = len(todo)
    log.info("%d repositories listed, %d to fetch, %d removed, %d moved", len(listing.items), len(todo),
             len(outcome.removed), len(outcome.moved))
    keep = _Keeper(con, base, previous, outcome)
    failures = _fetch_changed(con, client, todo, previous if base.incremental else {}, people, outcome,
                              _with_rows(con), stop, keep)
    keep.restore(origin, listed=names)
    outcome.stopped = stop.reason
    outcome.stopped_at_rate_limit = stop.rate_limit
    outcome.graphql_unavailable = client.graphql.reason
    failures.check(outcome, client)
    outcome.unmapped = [item.row["full_name"] for item in listing.items
                        if item.row["team_id"] is None and item.row["full_name"] not in outcome.skipped]


def _list_sources(client: gh_client.Client, cfg: source_config.SourcesConfig) -> Listing:
    """Every repository the configuration asks for, with its team; one request per 100 repos of
    an organisation. A source GitHub does not find is reported and the rest listed; the rate
    limit stops the listing (a partial run), unless nothing could be listed at all."""
    listing = Listing(configured_owners={o.name.lower() for o in cfg.github.organisations},
                      configured_names={r.full_name.lower() for r in cfg.github.repositories})
    found: dict[str, Listed] = {}
    try:
        for org in cfg.github.organisations:
            _list_organisation(client, org, listing, found)
        for single in cfg.github.repositories:
            _list_repository(client, single.full_name, listing, found)
    except RateLimitExceededException as exc:
        if not (found or listing.covered_owners):
            raise
        listing.stopped = f"the GitHub rate limit was reached while listing ({client.redact(reason(exc))})"
        log.warning("stopping: %s", listing.stopped)
    if listing.unlisted and not (found or listing.covered_owners):
        raise RefreshError("; ".join(listing.unlisted.values()))
    for item in found.values():
        item.row["team_id"] = cfg.team_for(item.row["full_name"], item.row["topics"])
    listing.items = sorted(found.values(), key=lambda x: x.row["full_name"].lower())
    return listing


def _list_organisation(client: gh_client.Client, org, listing: Listing, found: dict[str, Listed]) -> None:
    """The repositories of one organisation its include/exclude, fork and archive rules keep."""
    seen = 0
    try:
        for repo in fetch.organisation_repositories(client.github, org.name):
            raw = fetch.listed(repo)
            if not seen:
                client.check_links(raw)
            seen += 1
            if org.wants(raw["name"], fork=bool(raw.get("fork")), archived=bool(raw.get("archived"))):
                found[raw["full_name"].lower()] = Listed(repo, rows.repository_row(raw, None), raw.get("id"))
            else:
                listing.excluded.add(raw["full_name"].lower())
    except (RateLimitExceededException, BadCredentialsException):
        raise
    except GithubException as exc:
        why = "was not found" if exc.status == 404 else f"could not be listed (GitHub answered {exc.status}: " \
                                                          f"{reason(exc)})"
        listing.unlisted[org.name] = client.redact(f"GitHub organisation {org.name!r} {why} at {client.api_url}"
                                       f"{gh_client.foreign_answer(exc)}")
        log.warning("%s; its repositories' previous data is kept", listing.unlisted[org.name])
        return
    listing.covered_owners.add(org.name.lower())
    kept = sum(1 for name in found if name.split("/")[0] == org.name.lower())
    log.info("%s: %d repositories listed, %d kept by the include/exclude, fork and archive rules", org.name, seen, kept)


def _list_repository(client: gh_client.Client, full_name: str, listing: Listing, found: dict[str, Listed]) -> None:
    """One repository named in the configuration (GitHub redirects the old name of a renamed one)."""
    try:
        repo, raw = fetch.fetch_repository(client.github, full_name)
    except (RateLimitExceededException, BadCredentialsException):
        raise
    except GithubException as exc:
        why = "was not found" if exc.status == 404 else f"could not be read (GitHub answered {exc.status}: " \
                                                          f"{reason(exc)})"
        listing.unlisted[full_name] = client.redact(f"GitHub repository {full_name!r} {why} at {client.api_url}"
                                       f"{gh_client.foreign_answer(exc)}")
        log.warning("%s", listing.unlisted[full_name])
        if exc.status == 404:
            listing.covered_names.add(full_name.lower())
        return
    client.check_links(raw)
    listing.covered_names.update({full_name.lower(), raw["full_name"].lower()})
    found[raw["full_name"].lower()] = Listed(repo, rows.repository_row(raw, None), raw.get("id"))


def _reconcile(con, client: gh_client.Client, listing: Listing, known: dict[str, state.RepoState], base: Base,
               outcome: Outcome) -> tuple[dict[str, state.RepoState], dict[str, str]]:
    """Match the repositories of earlier runs with the listing: the same name; the same id under
    a new name (moved: renamed or transferred); or not listed: removed only when GitHub confirms
    it gone or the configuration leaves it out, else kept. Returns the earlier states by current
    name, and {current name: name in the previous warehouse}."""
    listed = {item.row["full_name"]: item for item in listing.items}
    by_id = {item.repo_id: item for item in listing.items if item.repo_id is not None}
    previous: dict[str, state.RepoState] = {}
    origin: dict[str, str] = {}
    for name, known_state in sorted(known.items()):
        item = listed.get(name)
        if item is not None:
            if None not in (known_state.repo_id, item.repo_id) and known_state.repo_id != item.repo_id:
                known_state = dataclasses.replace(known_state, complete=False)  # a new repository, old name
            previous[name], origin[name] = known_state, name
            continue
        item = by_id.get(known_state.repo_id) if known_state.repo_id is not None else None
        new_name = item.row["full_name"] if item is not None else _unlisted(client, listing, name, known_state, outcome)
        if new_name is None:
            if name in outcome.removal_reasons:
                outcome.removed.append(name)
                if base.incremental:
                    _delete_repository(con, name)
            else:
                previous[name], origin[name] = known_state, name
            continue
        if new_name in known:  # its new name was another repository's, which is fetched again in full
            outcome.removal_reasons[name] = f"renamed to {new_name}, whose rows are fetched again"
            outcome.removed.append(name)
            if base.incremental:
                _delete_repository(con, name)
            continue
        log.info("%s was renamed or transferred to %s; its rows are kept under the new name", name, new_name)
        outcome.moved[name] = new_name
        if base.incremental:
            state.move(con, name, new_name)
        previous[new_name] = dataclasses.replace(known_state, full_name=new_name)
        origin[new_name] = name
    return previous, origin


def _unlisted(client: gh_client.Client, listing: Listing, name: str, known: state.RepoState,
              outcome: Outcome) -> str | None:
    """A repository of an earlier run the listing did not show: its new name if it moved to a
    listed one; else None, with the reason in outcome.removal_reasons (gone) or outcome.kept."""
    if not listing.configures(name):
        outcome.removal_reasons[name] = "no longer in the configuration"
        return None
    if name.lower() in listing.excluded:
        outcome.removal_reasons[name] = "left out by the configuration's include/exclude, fork or archive rules"
        return None
    if not listing.covers(name):
        outcome.kept[name] = _not_covered(listing, name)
        return None
    try:
        now = fetch.repository_now(client.github, known.repo_id, name)
    except (GithubException, requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
        outcome.kept[name] = f"not listed, and GitHub could not confirm it gone ({short_reason(client, exc)})"
        return None
    if now is None:
        outcome.removal_reasons[name] = "deleted on GitHub, or no longer visible to the token (404 for its id)"
        return None
    moved_to = now["full_name"]
    if any(item.row["full_name"] == moved_to for item in listing.items):
        return moved_to
    if moved_to.lower() == name.lower():
        outcome.kept[name] = "GitHub still has it but did not list it"
        return None
    if not listing.configures(moved_to) or moved_to.lower() in listing.excluded:
        outcome.removal_reasons[name] = f"moved to {moved_to}, which the configuration does not load"
        return None
    outcome.kept[name] = f"moved to {moved_to}, not listed yet"
    return None


def _not_covered(listing: Listing, name: str) -> str:
    owner = name.split("/")[0]
    for source, why in listing.unlisted.items():
        if source.lower() in (owner.lower(), name.lower()):
            return why
    return listing.stopped or "its organisation could not be listed to the end"


def _note_unlisted(con, listing: Listing, known: dict[str, state.RepoState], outcome: Outcome) -> None:
    """Configured organisations and repositories the listing could not show, and that have no
    earlier rows to keep: skipped, each a data problem."""
    for source, why in listing.unlisted.items():
        if "/" in source and source in known:
            continue  # a configured repository of earlier runs: kept or removed by _reconcile
        outcome.skipped[source if "/" in source else f"{source} (organisation)"] = why
        _problem(con, source, "not_loaded", "", why)


def _with_rows(con) -> set[str]:
    """Repositories with rows from earlier runs (or another source); the others have nothing to replace."""
    return {n for (n,) in db.run(con, "SELECT DISTINCT full_name FROM (" + " UNION ALL ".join(
        f'SELECT full_name FROM "{table}"' for table in state.PER_REPO) + ")")}


class _Keeper:
    """Repositories the run does not refresh: those with earlier rows keep them (carried over by
    an incremental run, copied back from the live warehouse by a full one), marked incomplete so
    the next run fetches them; new ones are left out (skipped). Each is a data problem."""

    def __init__(self, con, base: Base, previous: dict[str, state.RepoState], outcome: Outcome):
        self.con, self.base, self.previous, self.outcome = con, base, previous, outcome

    def __call__(self, items: list[Listed], why: str, *, problem: bool = True) -> None:
        names = [item.row["full_name"] for item in items]
        for name in names:
            if name in self.previous:
                self.outcome.kept[name] = why
                if problem:
                    _problem(self.con, name, "not_refreshed", "", f"not refreshed: {why}; its previous data is kept")
            else:  # never fetched: leave it out until it can be fetched whole
                self.outcome.skipped[name] = why
                db.run(self.con, "DELETE FROM repositories WHERE full_name = ?", [name])
                if problem:
                    _problem(self.con, name, "not_loaded", "", f"not loaded: {why}")
        if self.base.incremental:
            state.mark_incomplete(self.con, [n for n in names if n in self.previous])

    def restore(self, origin: dict[str, str], *, listed: set[str]) -> None:
        """Note the repositories kept without being listed; a full run: copy back the rows of
        every repository kept."""
        for name, why in self.outcome.kept.items():
            if name not in listed:
                _problem(self.con, name, "not_refreshed", "", f"not refreshed: {why}; its previous data is kept")
        if self.base.incremental or self.base.live is None:
            return
        kept = {name: origin.get(name, name) for name in self.outcome.kept}
        state.restore(self.con, self.base.live, kept, keep_listed_rows=listed)
        log.info("%d repositories not refreshed keep their rows from the previous warehouse", len(kept))


def _fetch_changed(con, client: gh_client.Client, todo: list[Listed], resume: dict[str, state.RepoState],
                   people: People, outcome: Outcome, known: set[str], stop: Stop, keep: _Keeper) -> Failures:
    """Fetch and save each changed repository, in batches; stop at the rate limit, the time
    limit, or after failures in a row, keeping what is not fetched."""
    progress = _progress(len(todo))
    pending = load.Pending(con)  # rows of fetched repositories, written in batches
    failures = Failures()
    for index, item in enumerate(todo):
        name = item.row["full_name"]
        if stop.due():
            _stopped(stop, outcome, len(todo))
            keep(todo[index:], f"the run stopped before it ({stop.reason})")
            break
        try:
            detail = _fetch_repository(client, item, resume.get(name), people)
        except RateLimitExceededException as exc:
            stop.reason, stop.rate_limit = f"the GitHub rate limit was reached ({client.redact(reason(exc))})", True
            _stopped(stop, outcome, len(todo))
            keep(todo[index:], "the run stopped at the GitHub rate limit before it")
            break
        except PartFailure as failure:
            if _failed(con, client, item, failure, outcome, failures, keep) and failures.streak >= STREAK_TO_STOP:
                stop.reason = f"{failures.streak} repositories in a row failed the same way ({failures.last})"
                _stopped(stop, outcome, len(todo))
                keep(todo[index + 1:], f"the run stopped before it ({stop.reason})")
                break
            continue
        failures.succeeded()
        outcome.commits_added += _save_repository(con, name, detail, pending, known=name in known)
        outcome.fetched += 1
        progress(name, outcome.fetched)
        if outcome.fetched % 100 == 0:
            pending.flush()
    pending.flush()
    return failures


def _stopped(stop: Stop, outcome: Outcome, todo: int) -> None:
    log.warning("stopping: %s; %d of %d repositories to fetch were fetched, the rest keep their previous data "
                "and are fetched on the next refresh", stop.reason, outcome.fetched, todo)


def _failed(con, client: gh_client.Client, item: Listed, failure: PartFailure, outcome: Outcome,
            failures: Failures, keep: _Keeper) -> bool:
    """One repository's fetch failed: removed if GitHub confirms the repository itself gone, else
    reported and kept. Returns whether it counts as a failure."""
    name = item.row["full_name"]
    note = ""
    if failure.status == 404:  # the repository gone, or only a part of it (or renamed since listed)?
        try:
            now = fetch.repository_now(client.github, item.repo_id, name)
        except (GithubException, requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
            now = {"full_name": name}
            note = f"; GitHub could not confirm the repository exists ({short_reason(client, exc)})"
        if now is None:
            log.warning("%s was deleted on GitHub (404 for its id) after it was listed; removed", name)
            outcome.removal_reasons[name] = "deleted on GitHub while the run fetched it (404 for its id)"
            outcome.removed.append(name)
            _delete_repository(con, name)
            return False
        if now["full_name"] != name:
            note = f"; it was renamed to {now['full_name']} after it was listed, and is fetched under that name " \
                   "next run"
    key, line = cause(client, failure)
    message = line + note
    then = "its previous data is kept" if name in keep.previous else "it is not loaded"
    log.warning("%s: %s; %s and it is fetched again next run", name, message, then)
    outcome.failed[name] = message
    failures.add(name, key, line)
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ? AND kind = 'fetch_failed'", [name])
    _problem(con, name, "fetch_failed", failure.part, f"{message}; {then}")
    keep([item], f"its fetch failed: {key}", problem=False)
    return True


@dataclass
class Detail:
    commits: rows.Commits
    releases: list[dict]
    bare_tags: dict[str, str]
    contents: contents.Contents | None   # None: files unchanged, keep languages and dependencies
    state: dict


def _fetch_repository(client: gh_client.Client, item: Listed, previous: state.RepoState | None,
                      people: People) -> Detail:
    """Everything that changed in one repository, as rows; network only, nothing saved yet.
    A part that cannot be read raises PartFailure (before any row is made)."""
    repo, row = item.repo, item.row
    branch = row["default_branch"]
    since = state.resume_from(previous, branch)
    with part("commits"):
        commit_log = fetch.fetch_commits(repo, branch, since and since.head_sha)
    raw_releases, raw_tags, found = [], [], contents.Contents(None, [], [], [], [])
    if commit_log.head_sha is not None:  # not an empty repository: it has files and maybe tags
        with part("releases and tags"):
            raw_releases, raw_tags = fetch.fetch_releases(repo)
        with part("git tree"):
            tree = fetch.fetch_tree(repo, branch)
        found = None  # the root tree unchanged: neither languages nor files can have changed
        if not (since and since.tree_sha == tree["sha"]):
            with part("languages and files"):
                found = contents.rows(repo.full_name, fetch.fetch_files(client.graphql, repo, branch, tree))
    commits = rows.commits(repo.full_name, commit_log, people)
    releases, bare_tags = rows.releases(repo.full_name, raw_releases, raw_tags)
    tree_sha = found.tree_sha if found else previous.tree_sha
    return Detail(commits, releases, bare_tags, found, state.row(row, item.repo_id, commits.head_sha, tree_sha))


def _save_repository(con, name: str, d: Detail, pending: load.Pending, *, known: bool = True) -> int:
    """Write one repository's fetched data (its old rows are deleted now, its new rows go to
    `pending`, written in batches); returns the commits added. A repository not `known` from
    earlier runs has no rows to replace, so the deletes are skipped (a first load of thousands
    of repositories would spend most of its time on them)."""
    _save_commits(con, name, d.commits, pending, known)
    _save_releases(con, name, d, pending, known)
    if d.contents is not None:
        _save_contents(con, name, d.contents, pending, known)
    if known:
        db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ? "
                    "AND kind IN ('fetch_failed', 'not_refreshed')", [name])
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
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ? AND kind NOT IN "
                "('fetch_failed', 'unmapped_repository', 'not_refreshed', 'not_loaded')", [name])  # the contents' problems
    for p in found.problems:
        _problem(con, name, p["kind"], p["detail"], p["message"])


def _delete_repository(con, name: str) -> None:
    for table in state.PER_REPO + ["repositories"]:
        db.run(con, f'DELETE FROM "{table}" WHERE full_name = ?', [name])
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND subject = ?", [name])


# --- the end of the run -----------------------------------------------------------------------

def _finish(b: warehouse.Build, client: gh_client.Client | None, people: People, outcome: Outcome, *,
            confirm_removals: bool = False) -> None:
    con = b.con
    _save_people(con, people)
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND kind = 'unmapped_repository'")
    load.save_rows(con, "data_problems", [
        load.problem("github", name, "unmapped_repository", "no team rule in the configuration maps this repository")
        for name in dict.fromkeys(outcome.unmapped)], replace=True)
    # Failures of repositories that are no longer anywhere (gone, or never loaded and not tried now).
    db.run(con, "DELETE FROM data_problems WHERE source = 'github' AND kind = 'fetch_failed' "
                "AND subject NOT IN (SELECT full_name FROM repositories) AND NOT list_contains(?, subject)",
           [sorted(outcome.failed)])
    if outcome.unmapped:
        log.warning("%d repositories map to no team (loaded anyway): %s", len(outcome.unmapped),
                    ", ".join(outcome.unmapped[:10]) + (" ..." if len(outcome.unmapped) > 10 else ""))
    if outcome.partial:
        b.status = "partial"
    said = notes(outcome)
    detail = outcome.detail()
    b.stats.update(repos_seen=outcome.listed, repos_changed=outcome.fetched, commits_added=outcome.commits_added,
                   api_requests=client.requests if client else None,
                   rate_limit_remaining=client.rate_limit_remaining() if client else None,
                   repos_kept=len(outcome.kept), repos_skipped=len(outcome.skipped) + len(outcome.clones_skipped),
                   repos_removed=len(outcome.removed), removals_confirmed=confirm_removals,
                   repos_detail=json.dumps(detail, sort_keys=True) if detail else None,
                   message="; ".join(said) or None)


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
                                          f"{reason(exc)}"))
    return RefreshError(client.redact(f"GitHub answered {exc.status} at {client.api_url}: {reason(exc)}"))


def _progress(total: int):
    """A progress bar on a terminal; a log line every 10% otherwise (cron, CI)."""
    if sys.stderr.isatty() and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="repo", desc="fetching changed repositories", file=sys.stderr)
        return lambda name, done: bar.update(1) if done < total else (bar.update(1), bar.close())
    step = max(1, total // 10)
    return lambda name, done: log.info("fetched %d/%d repositories (%s)", done, total, name) \
        if done % step == 0 or done == total else None
