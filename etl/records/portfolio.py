"""The portfolio source: teams, memberships and project records, from files kept in git.

`python -m etl records load` rebuilds the warehouse with the current records and teams and
every other table carried over; `python -m etl refresh` does the same as part of each run.
A record set with any problem loads nothing: every problem is reported and the warehouse
keeps the portfolio it had.
"""
from __future__ import annotations

import logging
from pathlib import Path

from etl import config, db, pipeline, warehouse
from etl.records import files, rows, teams
from etl.records.errors import RecordsError, errors
from etl.shared import identity
from etl.warehouse import load

log = logging.getLogger("etl.records")

PORTFOLIO_TABLES = ["teams", "team_history", "memberships", "person_aliases", "projects", "project_stages", "project_teams",
                    "project_tags", "project_repos", "project_outputs"]
DEFAULT_RECORDS = config.DATA_DIR / "projects"


def read(records_dir: Path, teams_file: Path) -> tuple[dict, list[dict]]:
    """Teams (with members) and canonical records, checked; raises RecordsError listing every
    problem. Warnings (a date far ahead) are logged and do not stop the records loading."""
    problems = files.check(records_dir, teams_file)
    if errors(problems):
        raise RecordsError(errors(problems))
    for warning in problems:
        log.warning("project records: %s", warning)
    team_rows = teams.load(teams_file)
    known = {t["team_id"] for t in team_rows["teams"]}
    return team_rows, files.load_folder(records_dir, known) if Path(records_dir).exists() else []


def save(con, team_rows: dict, project_records: list[dict], salt: str) -> None:
    """Replace the portfolio tables with these teams, memberships and records."""
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
    rows.save_projects(con, project_records)


def person_key(identifier: str, salt: str) -> str:
    """A person key as given (p_ and 16 hex digits), or the key of a GitHub login."""
    return identifier if teams.PERSON_KEY.match(identifier) else identity.key_for_login(identifier, salt)


def load_into_warehouse(db_path: Path, records_dir: Path, teams_file: Path) -> dict[str, int]:
    """`python -m etl records load`: a new warehouse with these records, everything else carried over."""
    team_rows, project_records = read(records_dir, teams_file)
    salt = identity.load_salt()
    meta = _previous(db_path)  # before the build: a refusal leaves the live file untouched
    with pipeline.build(db_path, "records") as b:
        if meta and meta.get("contents") != "demo":
            warehouse.carry_over(b, [t for t in warehouse.table_names(b.con)
                                     if t not in PORTFOLIO_TABLES + ["etl_runs", "warehouse_meta", "stages"]])
        save(b.con, team_rows, project_records, salt)
        b.meta["salt_fingerprint"] = identity.salt_fingerprint(salt)
        b.stats["message"] = f"{len(project_records)} project records, {len(team_rows['teams'])} teams"
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
