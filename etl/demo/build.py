"""A deterministic demo warehouse that looks like the Assembly's real life.

`generate()` makes every row from the files in data/demo/ (teams, project records, needs,
hints about repositories), a fixed random seed and fixed dates: the same output on every machine,
in every process, on every day. Nothing in it is real: the GitHub logins are made up
(adjective-animal style), people without a login are keyed from made-up addresses that are
used only to compute their key, and the projects, repositories and commits are invented,
though shaped like the Assembly's work (team histories through NHSX and NHS Digital,
projects moving along the R&D-to-operational pathway, shared libraries, bots).

`build_demo(path)` writes it into a warehouse file through the same loader as live data.
This module is the demo's public face: DEMO_AS_OF, DEMO_SALT, generate, generate_teams,
checked_records, checked_needs, slug and build_demo.
"""
from __future__ import annotations

import random
from pathlib import Path

from etl import pipeline, warehouse
from etl.demo import commits, files, people, repositories
from etl.demo.repositories import slug
from etl.demo.settings import DEMO_AS_OF, DEMO_SALT, DEMO_SEED
from etl.records import checks, needs, rows as project_rows
from etl.records.errors import RecordsError
from etl.warehouse import load

__all__ = ["DEMO_AS_OF", "DEMO_SALT", "TABLES", "PROJECT_TABLES", "build_demo", "checked_needs", "checked_records",
           "generate", "generate_teams", "slug"]

#: Tables written with load.save_rows, in an order that keeps foreign keys satisfied.
TABLES = ("teams", "team_history", "people", "memberships", "person_aliases", "repositories", "repo_languages",
          "dependencies", "repo_packages", "commits", "commit_coauthors", "releases")
PROJECT_TABLES = ("projects", "project_stages", "project_teams", "project_tags", "project_repos", "project_outputs",
                  *needs.NEED_TABLES)


def generate_teams() -> dict[str, list[dict]]:
    """Rows of `teams` and `team_history`: the demo's teams and their dated histories
    (data/demo/teams.yml), fresh lists on every call."""
    return files.teams()


def generate() -> dict[str, list[dict]]:
    """Every demo row, keyed by table name, plus "project_records" and "need_records": the checked
    records of data/demo/projects/ and needs of data/demo/needs/, canonical."""
    rng = random.Random(DEMO_SEED)
    data = generate_teams()
    team_ids = {t["team_id"] for t in data["teams"]}
    project_records = files.project_records(team_ids)
    hints = files.repository_hints(project_records, team_ids)

    everyone = people.make_people(rng, data)
    staff = people.staff(everyone)
    specs = repositories.specs(rng, hints, project_records, data["teams"])
    toolkit_users = repositories.toolkit_users(rng, specs)
    for table in ("repositories", "repo_languages", "dependencies", "commits", "commit_coauthors", "releases"):
        data[table] = []
    bot_keys = {b.key for b in staff.bots.values()}
    for spec in specs:
        _repository(rng, spec, hints, staff, bot_keys, spec["full_name"] in toolkit_users, data)

    people_rows, memberships = people.people_rows(everyone, data["commits"])
    data["people"], data["memberships"], data["person_aliases"] = people.identity_cases(
        people_rows, memberships, data["commits"])
    data["repo_packages"] = repositories.published_packages(specs, data["dependencies"])
    data["project_records"] = project_records
    data["need_records"] = files.need_records(team_ids, project_records)
    return data


def _repository(rng: random.Random, spec: dict, hints: dict, staff: people.Staff, bot_keys: set[str],
                uses_toolkit: bool, data: dict) -> None:
    """One repository's rows, appended to `data` (one generator, in a fixed order of draws)."""
    created_at, repo_commits, coauthors = commits.repository_commits(rng, spec, hints, staff)
    data["commits"] += repo_commits
    data["commit_coauthors"] += coauthors
    primary, langs = repositories.languages(rng, spec)
    data["repo_languages"] += [{"full_name": spec["full_name"], "language": lang, "bytes": size}
                               for lang, size in sorted(langs.items(), key=lambda kv: -kv[1])]
    data["dependencies"] += repositories.dependencies(rng, spec, uses_toolkit)
    data["releases"] += commits.releases(rng, spec, repo_commits, bot_keys)
    data["repositories"].append(repositories.repository_row(rng, spec, hints, primary, created_at, repo_commits))


def checked_records(project_records: list[dict], team_ids: set[str]) -> list[dict]:
    """Generated records through the same checks as real record files (etl.records.checks.validate);
    raises RecordsError listing every problem."""
    checked, problems = [], []
    for record in project_records:
        canonical, found = checks.validate(record, source=f"demo record {record['id']}", known_teams=team_ids)
        problems += found
        if canonical:
            checked.append(canonical)
    if problems:
        raise RecordsError(problems)
    return checked


def checked_needs(need_records: list[dict], team_ids: set[str], project_ids: set[str]) -> list[dict]:
    """Generated needs through the same checks as need files (etl.records.needs.validate), against
    the teams, projects, radar, taxonomy and the demo's snapshot date; raises RecordsError listing
    every problem."""
    entries, categories, unreadable = needs.technologies()
    known = needs.Known(teams=team_ids, projects=project_ids, radar=entries, categories=categories,
                        as_of=DEMO_AS_OF.date(), as_of_is="the demo's snapshot")
    checked, problems = [], list(unreadable)
    for need in need_records:
        canonical, found = needs.validate(need, source=f"demo need {need['id']}", known=known)
        problems += found
        if canonical:
            checked.append(canonical)
    if problems:
        raise RecordsError(problems)
    return checked


def build_demo(path, *, wait: float = 0, if_missing: bool = False) -> dict[str, int]:
    """Build the demo warehouse at `path` (replacing it atomically); returns row counts per table.

    `wait` and `if_missing` are passed to warehouse.build (lock wait; skip if it exists).
    """
    data = generate()
    with pipeline.build(Path(path), "demo", wait=wait, if_missing=if_missing) as b:
        b.contents = "demo"
        b.data_as_of = DEMO_AS_OF
        for table in TABLES:
            load.save_rows(b.con, table, data[table])
        project_rows.save_projects(b.con, data["project_records"])
        needs.save_needs(b.con, data["need_records"])
        b.stats["repos_seen"] = len(data["repositories"])
        b.stats["repos_changed"] = len(data["repositories"])
        b.stats["commits_added"] = len(data["commits"])
        b.stats["message"] = "demo data"
        counts = warehouse.row_counts(b.con)
    return {t: counts[t] for t in TABLES + PROJECT_TABLES}
