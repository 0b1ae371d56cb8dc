"""The portfolio source: teams, memberships, project records and needs, from files kept in git.

`python -m etl records load` rebuilds the warehouse with the current records, needs and teams
and every other table carried over; `python -m etl refresh` does the same as part of each run.
A record set (teams, project records and needs together) with any problem loads nothing: every
problem is reported and the warehouse keeps the portfolio it had.

The needs live beside the project records: data/needs/ for data/projects/ (`needs_beside`),
unless a folder is given.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from etl import config, db, pipeline, warehouse
from etl.records import checks, files, needs, rows, teams
from etl.records.errors import Problem, RecordsError, errors
from etl.shared import identity
from etl.warehouse import load

log = logging.getLogger("etl.records")

PORTFOLIO_TABLES = ["teams", "team_history", "memberships", "person_aliases", "projects", "project_stages", "project_teams",
                    "project_tags", "project_repos", "project_outputs", *needs.NEED_TABLES]
DEFAULT_RECORDS = config.DATA_DIR / "projects"


@dataclass
class Portfolio:
    """What the portfolio's files hold, checked: teams (teams.load's rows, with members), the
    canonical project records and the canonical needs."""

    teams: dict
    projects: list[dict] = field(default_factory=list)
    needs: list[dict] = field(default_factory=list)


def needs_beside(records_dir: Path) -> Path:
    """The needs' folder of a folder of project records: `needs` beside it."""
    return Path(records_dir).parent / "needs"


def check(records_dir: Path, teams_file: Path, needs_dir: Path | None = None, *, radar_file: Path | None = None,
          taxonomy_file: Path | None = None, as_of: dt.date | None = None) -> list[Problem]:
    """Every problem in data/teams.yml, the project records and the needs, and the records'
    warnings ([] when all is well). `needs_dir` defaults to the folder beside the records (which
    may be missing: no needs); one given must exist. A need refers to projects by the record
    files present (a broken record's problems are not repeated for the needs naming it); a radar
    or taxonomy that cannot be read is reported by its own check, and the needs' technologies
    are then not checked."""
    problems = files.check(records_dir, teams_file)
    if needs_dir is not None and not Path(needs_dir).is_dir():
        return problems + [Problem(str(needs_dir), None, None, "", "no such folder of need records")]
    needs_dir = needs_beside(records_dir) if needs_dir is None else Path(needs_dir)
    if not needs_dir.is_dir():
        return problems
    radar_names, categories, _ = needs.technologies(radar_file, taxonomy_file)
    known = needs.Known(teams=files.team_ids(teams_file), projects=files.record_ids(records_dir), radar=radar_names,
                        categories=categories, as_of=as_of or checks.today(), projects_in=str(records_dir))
    return problems + needs.check(needs_dir, known)


def read(records_dir: Path, teams_file: Path, needs_dir: Path | None = None, *,
         as_of: dt.date | None = None) -> Portfolio:
    """Teams (with members), canonical records and canonical needs, checked; raises RecordsError
    listing every problem (a radar or taxonomy that cannot be read, when there are needs, is one).
    Warnings (a date far ahead) are logged and do not stop the records loading."""
    problems = check(records_dir, teams_file, needs_dir, as_of=as_of)
    needs_dir = needs_beside(records_dir) if needs_dir is None else Path(needs_dir)
    radar_names, categories, unreadable = needs.technologies() if needs_dir.is_dir() else (None, None, [])
    problems += unreadable
    if errors(problems):
        raise RecordsError(errors(problems))
    for warning in problems:
        log.warning("project records: %s", warning)
    team_rows = teams.load(teams_file)
    known_teams = {t["team_id"] for t in team_rows["teams"]}
    project_records = files.load_folder(records_dir, known_teams) if Path(records_dir).exists() else []
    known = needs.Known(teams=known_teams, projects={r["id"] for r in project_records}, radar=radar_names,
                        categories=categories, as_of=as_of or checks.today(), projects_in=str(records_dir))
    return Portfolio(team_rows, project_records, needs.load_folder(needs_dir, known))


def save(con, found: Portfolio, salt: str) -> None:
    """Replace the portfolio tables with these teams, memberships, records and needs."""
    team_rows = found.teams
    for table in PORTFOLIO_TABLES:
        db.run(con, f'DELETE FROM "{table}"')
    load.save_rows(con, "teams", team_rows["teams"])
    load.save_rows(con, "team_history", team_rows["team_history"])
    members = team_rows.get("members", [])
    people = {}
    for m in members:
        key = identity.key_for_login(m["github_login"], salt)
        row = people.setdefault(key, {"person_key": key, "github_login": m["github_login"],
                                      "is_bot": identity.is_bot(m["github_login"]), "first_seen": m["valid_from"],
                                      "source": "records"})
        row["first_seen"] = min(row["first_seen"], m["valid_from"])
    known = dict(db.run(con, "SELECT person_key, first_seen FROM people WHERE list_contains(?, person_key)",
                        [list(people)])) if people else {}
    load.save_rows(con, "people", [p for k, p in people.items() if k not in known])
    load.save_rows(con, "memberships", [
        {"person_key": identity.key_for_login(m["github_login"], salt), "team_id": m["team_id"],
         "valid_from": m["valid_from"], "valid_to": m["valid_to"]} for m in members])
    load.save_rows(con, "person_aliases", [
        {"alias_key": person_key(a["also"], salt), "person_key": person_key(a["person"], salt)}
        for a in team_rows.get("aliases", [])])
    rows.save_projects(con, found.projects)
    needs.save_needs(con, found.needs)


def person_key(identifier: str, salt: str) -> str:
    """A person key as given (p_ and 16 hex digits), or the key of a GitHub login."""
    return identifier if teams.PERSON_KEY.match(identifier) else identity.key_for_login(identifier, salt)


def load_into_warehouse(db_path: Path, records_dir: Path, teams_file: Path,
                        needs_dir: Path | None = None) -> dict[str, int]:
    """`python -m etl records load`: a new warehouse with these records and needs, everything else
    carried over."""
    found = read(records_dir, teams_file, needs_dir)
    salt = identity.load_salt()
    meta = _previous(db_path)  # before the build: a refusal leaves the live file untouched
    with pipeline.build(db_path, "records") as b:
        if meta and meta.get("contents") != "demo":
            warehouse.carry_over(b, [t for t in warehouse.table_names(b.con)
                                     if t not in PORTFOLIO_TABLES + ["etl_runs", "warehouse_meta", "stages"]])
        save(b.con, found, salt)
        b.meta["salt_fingerprint"] = identity.salt_fingerprint(salt)
        b.stats["message"] = (f"{len(found.projects)} project records, {len(found.needs)} needs, "
                              f"{len(found.teams['teams'])} teams")
        counts = warehouse.row_counts(b.con)
    return {t: counts[t] for t in PORTFOLIO_TABLES}


def _previous(db_path: Path) -> dict[str, str]:
    """The live warehouse's meta ({} for none, or demo data of another version, which is
    replaced). Records alone cannot rebuild the rest of a warehouse that cannot be read or is of
    another schema version: Unreadable, which says what to run."""
    try:
        return warehouse.examine(db_path)
    except warehouse.Unreadable as exc:
        if exc.kind in ("missing", "empty") or exc.meta.get("contents") == "demo":
            return {}
        raise
