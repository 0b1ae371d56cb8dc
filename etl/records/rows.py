"""Project records (canonical dicts, as etl.records.checks gives them) to warehouse rows."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import duckdb

from analyses import vocabulary
from etl.warehouse.load import LoadError, save_rows

_STAGE_ORDER = {s.id: s.ordinal for s in vocabulary.current().stages}


def _iso_date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LoadError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def project_rows(record: Mapping) -> dict[str, list[dict]]:
    """Flatten one project record (the YAML record format) into rows per warehouse table."""
    pid = record["id"]
    where = f"project {pid}"
    history = sorted(
        ({"project_id": pid, "stage": s["stage"], "entered_on": _iso_date(s["date"], where)}
         for s in record["stages"]),
        key=lambda r: (r["entered_on"], _STAGE_ORDER.get(r["stage"], 0)),  # same day: pathway order
    )
    if not history:
        raise LoadError(f"{where}: field 'stages' needs at least one dated stage")
    current = history[-1]
    teams = [{"project_id": pid, "team_id": record["lead_team"], "role": "lead"}]
    teams += [{"project_id": pid, "team_id": t, "role": "partner"}
              for t in record.get("partner_teams", []) if t != record["lead_team"]]
    tags = [{"project_id": pid, "category": cat, "tag": tag}
            for cat, values in sorted(record.get("tags", {}).items()) for tag in values]
    repos = [{"project_id": pid, "full_name": r["full_name"], "host": r.get("host", "github"), "url": r.get("url")}
             for r in record.get("repositories", [])]
    outputs = [{"project_id": pid, "kind": o["kind"], "title": o["title"], "url": o.get("url"),
                "published_on": _iso_date(o["date"], where) if o.get("date") else None}
               for o in record.get("outputs", [])]
    governance = record.get("governance") or {}
    impact = record.get("impact") or {}
    case_study = next((o.get("url") for o in record.get("outputs", []) if o["kind"] == "case_study"), None)
    project = {
        "project_id": pid,
        "title": record["title"],
        "summary": record["summary"],
        "description": record.get("description"),
        "lead_team_id": record["lead_team"],
        "current_stage": current["stage"],
        "stage_since": current["entered_on"],
        "started_on": history[0]["entered_on"],
        "origin": record.get("origin"),
        "work_area": record.get("work_area"),
        "data_access": record.get("data_access"),
        "operational_owner": record.get("operational_owner"),
        "case_study_url": case_study,
        "years_from": (record.get("years") or {}).get("from") or history[0]["entered_on"].year,
        "years_to": (record.get("years") or {}).get("to") or (
            history[-1]["entered_on"].year if current["stage"] == "retired" else None),
        "dpia": governance.get("dpia"),
        "aia": governance.get("aia"),
        "clinical_safety_case": governance.get("clinical_safety_case"),
        "impact": impact.get("text"),
        "hours_saved_per_year": impact.get("hours_saved_per_year"),
        "organisations_using": impact.get("organisations_using"),
        "record_path": record.get("_path"),
    }
    return {"projects": [project], "project_stages": history, "project_teams": teams,
            "project_tags": tags, "project_repos": repos, "project_outputs": outputs}


def save_projects(con: duckdb.DuckDBPyConnection, records: Iterable[Mapping]) -> int:
    """Save project records (one dict per project, in the record format); returns how many."""
    tables: dict[str, list[dict]] = {}
    n = 0
    for record in records:
        for table, rows in project_rows(record).items():
            tables.setdefault(table, []).extend(rows)
        n += 1
    for table in ("projects", "project_stages", "project_teams", "project_tags", "project_repos", "project_outputs"):
        save_rows(con, table, tables.get(table, []))
    return n
