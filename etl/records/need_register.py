"""A register of needs kept as a spreadsheet (.csv or .xlsx, one need per row), converted into
need files, as a register of projects is (spreadsheet.py reads, bounds and writes both).

Its columns follow from the need's schema (need_fields.py): one per single-value field, the
teams and technologies separated by `;`, one per relation holding the ids of the projects the
need bears on that way, and three per status: the date the need reached it, who was asked
(`<status>_asked`) and the Assembly's position then (`<status>_position`). A register holds one
entry per status; a history that returns to a status is written in the need's file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from analyses import vocabulary
from etl.records import files, need_fields, needs, spreadsheet
from etl.records.errors import Problem, RecordsError
from etl.records.yaml_writer import to_yaml

COLUMNS = need_fields.REGISTER_COLUMNS
#: Columns a register of needs must have: the required fields held in one column.
REQUIRED_COLUMNS = tuple(f.register_columns[0] for f in need_fields.NEED
                         if f.required and len(f.register_columns) == 1)
_ORDINAL = {s.id: n for n, s in enumerate(vocabulary.current().need_statuses)}
_STATUS_COLUMNS = tuple(s.id for s in vocabulary.current().need_statuses)


def _record_from_row(cells: dict) -> tuple[dict, dict[str, str]]:
    """A need (file shape) from one register row, and the column each field path came from."""
    record: dict = {}
    columns: dict[str, str] = {}
    for field in need_fields.NEED:
        if field.kind == "need_projects":
            _projects(field, cells, record, columns)
        elif field.kind == "history":
            _history(cells, record, columns)
        else:
            column = field.register_columns[0]
            value = cells.get(column)
            if value is None:
                continue
            text = spreadsheet.as_text(value)
            record[field.name] = spreadsheet.split_cell(text) if field.kind in ("list", "technologies") else text
            columns[field.name] = column
    return record, columns


def _projects(field, cells: dict, record: dict, columns: dict) -> None:
    """One column per relation, holding project ids."""
    entries = []
    for relation in field.register_columns:
        for project in spreadsheet.split_cell(spreadsheet.as_text(cells.get(relation))):
            entries.append({"project": project, "relation": relation})
            columns[f"{field.name}[{len(entries)}]"] = relation
    if entries:
        record[field.name] = entries


def _history(cells: dict, record: dict, columns: dict) -> None:
    """One entry per status with anything in its three columns, in date order (a day's entries
    in the statuses' order)."""
    found = []
    for status in _STATUS_COLUMNS:
        date, asked, position = (cells.get(c) for c in (status, f"{status}_asked", f"{status}_position"))
        if date is None and asked is None and position is None:
            continue
        date = date.date() if isinstance(date, dt.datetime) and date.time() == dt.time(0) else date
        day = date if isinstance(date, dt.date) else spreadsheet.iso_or_none(date)
        entry = {"status": status, "date": spreadsheet.as_text(date)}
        entry.update({k: spreadsheet.as_text(v) for k, v in (("asked", asked), ("position", position))
                      if v is not None})
        found.append((day or dt.date.max, _ORDINAL[status], entry))
    record["history"] = []
    for i, (_, _, entry) in enumerate(sorted(found, key=lambda e: e[:2]), 1):
        record["history"].append(entry)
        status = entry["status"]
        columns.update({f"history[{i}]": status, f"history[{i}].status": status, f"history[{i}].date": status,
                        f"history[{i}].asked": f"{status}_asked", f"history[{i}].position": f"{status}_position"})


def _register_problem(problem: Problem, columns: dict[str, str]) -> Problem:
    """A need's problem as the register names it: columns for fields and list entries."""
    if problem.field == "history":
        return replace(problem, line=None, message="no status has a date; give the date of at least one status "
                                                   f"(columns {', '.join(_STATUS_COLUMNS)})")
    message = re.sub(r"\b(history|projects)\[(\d+)\]",
                     lambda m: f"column {columns.get(f'{m[1]}[{m[2]}]', m[0])}", problem.message)
    return replace(problem, line=None, field=spreadsheet.column_of(problem.field, columns), message=message)


def import_register(path: Path, out_dir: Path, known_teams: set[str] | None, records_dir: Path, *,
                    force: bool = False) -> list[Path]:
    """Write one need file per row of a register of needs into `out_dir` (as
    spreadsheet.import_register: every row checked first, nothing written if any has a problem).
    Needs are checked against `known_teams`, the project records in `records_dir`, the radar and
    taxonomy, and today."""
    radar_names, categories, unreadable = needs.technologies()
    if unreadable:
        raise RecordsError(unreadable)
    known = needs.Known(teams=known_teams, projects=files.record_ids(records_dir), radar=radar_names,
                        categories=categories, projects_in=str(records_dir))
    register = spreadsheet.Register(
        "need", COLUMNS, REQUIRED_COLUMNS, "data/needs/README.md", "data/needs/register-template.csv",
        _record_from_row, lambda record, source, row: needs.validate(record, source=source, known=known, row=row),
        _register_problem, lambda need: to_yaml(need, need_fields.NEED))
    return spreadsheet.import_rows(path, out_dir, register, force=force)
