"""A project register kept as a spreadsheet (.csv or .xlsx, one project per row), converted
into record files.

The register's columns follow from the record's schema (fields.py): a column per single-value
field, per tag category, per stage (the date it was entered), per output kind (its address),
per governance check and per impact figure. Every row is checked with the same checks as a
record file (checks.validate) before anything is written; problems name the row (the header is
row 1) and the column.

The reading, bounds, header and writing are shared with a register of needs (need_register.py):
`import_rows` takes a Register saying what the rows hold and how one is checked.

A register is bounded before it is checked: at most REGISTER_MAX_BYTES on disk (and, for .xlsx,
REGISTER_MAX_UNPACKED_BYTES unpacked, so a compressed bomb is refused unread), REGISTER_MAX_ROWS
project rows, REGISTER_MAX_COLUMNS columns and CELL_MAX_CHARS characters in a cell.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from analyses import vocabulary
from etl.records import fields
from etl.records.checks import validate
from etl.records.errors import Problem, RecordsError, parent, short, show
from etl.records.fields import Field
from etl.records.yaml_writer import to_yaml

COLUMNS = fields.REGISTER_COLUMNS
#: Columns a register must have: the required fields held in one column.
REQUIRED_COLUMNS = tuple(f.register_columns[0] for f in fields.RECORD if f.required and len(f.register_columns) == 1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ORDINAL = {s.id: s.ordinal for s in vocabulary.current().stages}
_NUMBERS = ("number", "count", "year")
REGISTER_MAX_BYTES = 10_000_000           # the register file
REGISTER_MAX_UNPACKED_BYTES = 100_000_000  # an .xlsx file's parts, unpacked
REGISTER_MAX_ROWS = 10_000                # project rows under the header
REGISTER_MAX_COLUMNS = 200                # columns holding anything
CELL_MAX_CHARS = fields.TEXT_MAX          # characters in one cell


# --- importing a register ------------------------------------------------------------------

def split_cell(value) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in re.split(r"[;\n]", str(value)) if part.strip()]


def _cell(value):
    """A spreadsheet cell: None if empty, text stripped, whole floats as int."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_text(value):
    """A cell that should hold text: date cells and numbers as they read."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _as_number(value):
    if isinstance(value, str):
        for kind in (int, float):
            try:
                return _cell(kind(value))
            except ValueError:
                pass
    return value


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) and value.time() == dt.time(0) else value


def _read_register(path: Path, source: str) -> tuple[list[list], list[Problem]]:
    """The register's rows (header first) as lists of cells, within the bounds of the module."""
    if not path.is_file():
        return [], [Problem(source, None, None, "", "no such file")]
    size = path.stat().st_size
    if size > REGISTER_MAX_BYTES:
        return [], [Problem(source, None, None, "", f"{size:,} bytes, over the {REGISTER_MAX_BYTES:,}-byte limit "
                                                    "for a register; not read (split it into several)")]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [], [Problem(source, None, None, "", f"not UTF-8 text (byte {exc.start}); "
                                                        "save the register as CSV UTF-8")]
        return _bounded_rows(csv.reader(io.StringIO(text, newline="")), source)
    if suffix == ".xlsx":
        return _read_xlsx(path, source)
    return [], [Problem(source, None, None, "", f"expected a .csv or .xlsx register, found {path.suffix or 'no'} "
                                                "file type")]


def _read_xlsx(path: Path, source: str) -> tuple[list[list], list[Problem]]:
    try:
        import openpyxl
    except ImportError:
        return [], [Problem(source, None, None, "", "reading .xlsx needs the openpyxl package "
                                                    "(pip install openpyxl), or save the register as CSV")]
    try:
        with zipfile.ZipFile(path) as packed:
            unpacked = sum(member.file_size for member in packed.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        return [], [Problem(source, None, None, "", f"not a readable Excel workbook (.xlsx): {exc}")]
    if unpacked > REGISTER_MAX_UNPACKED_BYTES:
        return [], [Problem(source, None, None, "", f"unpacks to {unpacked:,} bytes, over the "
                                                    f"{REGISTER_MAX_UNPACKED_BYTES:,}-byte limit for a register; "
                                                    "not read")]
    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 -- openpyxl raises many kinds for a damaged file
        return [], [Problem(source, None, None, "", f"not a readable Excel workbook (.xlsx): {exc}")]
    try:
        return _bounded_rows(book.worksheets[0].iter_rows(values_only=True), source)
    except Exception as exc:  # noqa: BLE001 -- a damaged sheet fails while its rows are read
        return [], [Problem(source, None, None, "", f"not a readable Excel workbook (.xlsx): {exc}")]
    finally:
        book.close()


def _bounded_rows(rows, source: str) -> tuple[list[list], list[Problem]]:
    """The rows (trailing empty cells dropped), stopping at the first past a bound."""
    out: list[list] = []
    number = 0
    try:
        for number, row in enumerate(rows, 1):
            cells = list(row)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if len(cells) > REGISTER_MAX_COLUMNS:
                return [], [Problem(source, None, number, "", f"has {len(cells):,} columns; a register has at "
                                                              f"most {REGISTER_MAX_COLUMNS}")]
            if number > REGISTER_MAX_ROWS + 1:
                return [], [Problem(source, None, number, "", f"more than {REGISTER_MAX_ROWS:,} rows under the "
                                                              "header; split the register into several")]
            out.append(cells)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            reason = f"a cell holds more than {csv.field_size_limit():,} characters; at most {CELL_MAX_CHARS:,}"
        else:
            reason = f"not readable as CSV: {exc}"
        return [], [Problem(source, None, number + 1, "", reason)]
    return out, []


def _record_from_row(cells: dict) -> tuple[dict, dict[str, str]]:
    """A record (YAML shape) from one register row, and the column each field path came from."""
    record: dict = {}
    columns: dict[str, str] = {}
    for field in fields.RECORD:
        _READERS.get(field.kind, _single)(field, cells, record, columns)
    return record, columns


def _single(field: Field, cells: dict, record: dict, columns: dict) -> None:
    column = field.register_columns[0]
    if cells.get(column) is not None:
        record[field.name] = as_text(cells[column])
        columns[field.name] = column


def _list(field: Field, cells: dict, record: dict, columns: dict) -> None:
    column = field.register_columns[0]
    if cells.get(column) is not None:
        record[field.name] = split_cell(as_text(cells[column]))
        columns[field.name] = column


def _mapping(field: Field, cells: dict, record: dict, columns: dict) -> None:
    for part in field.parts:
        column = part.register_columns[0]
        if cells.get(column) is not None:
            value = cells[column]
            record.setdefault(field.name, {})[part.name] = (
                split_cell(as_text(value)) if part.kind == "list" else _as_number(value) if part.kind in _NUMBERS
                else as_text(value))
            columns[f"{field.name}.{part.name}"] = column


def _years(field: Field, cells: dict, record: dict, columns: dict) -> None:
    """Both parts, as soon as either column has a value (a `to` without `from` is then named)."""
    given = [p.register_columns[0] for p in field.parts]
    if any(cells.get(column) is not None for column in given):
        record[field.name] = {p.name: _as_number(cells.get(c)) for p, c in zip(field.parts, given)}
        columns.update({f"{field.name}.{p.name}": c for p, c in zip(field.parts, given)})
        columns[field.name] = given[0]


def _stages(field: Field, cells: dict, record: dict, columns: dict) -> None:
    """One column per stage holding the date(s) it was entered; the entries in date order."""
    entered = []
    for stage in field.register_columns:
        value = cells.get(stage)
        dates = split_cell(value) if isinstance(value, str) else [] if value is None else [value]
        for date in map(_as_date, dates):
            order = date if isinstance(date, dt.date) else iso_or_none(date)
            entered.append((order or dt.date.max, _ORDINAL[stage], stage, date))
    record[field.name] = []
    for i, (_, _, stage, date) in enumerate(sorted(entered, key=lambda e: e[:2]), 1):
        record[field.name].append({"stage": stage, "date": date})
        columns[f"{field.name}[{i}]"] = stage


def _repositories(field: Field, cells: dict, record: dict, columns: dict) -> None:
    column = field.register_columns[0]
    if cells.get(column) is not None:
        record[field.name] = split_cell(cells[column])
        columns[field.name] = column


def _outputs(field: Field, cells: dict, record: dict, columns: dict) -> None:
    """One column per output kind holding its address(es); the title is the kind's label."""
    outputs = []
    for kind in field.register_columns:
        addresses = split_cell(cells.get(kind))
        for n, url in enumerate(addresses, 1):
            title = field.part("kind").label_of(kind) + (f" {n}" if len(addresses) > 1 else "")
            outputs.append({"kind": kind, "title": title, "url": url})
            columns[f"{field.name}[{len(outputs)}]"] = kind
    if outputs:
        record[field.name] = outputs


_READERS = {"list": _list, "mapping": _mapping, "years": _years, "stages": _stages, "repositories": _repositories,
            "outputs": _outputs}


def iso_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and _ISO_DATE.match(value) else None
    except ValueError:
        return None


def column_of(field: str, columns: dict[str, str]) -> str:
    path = field
    while path:
        if path in columns:
            return columns[path]
        path = parent(path)
    return field


def _register_problem(problem: Problem, columns: dict[str, str]) -> Problem:
    if problem.field == "stages":
        return replace(problem, field="stages",
                       message="no stage has a date; give the date of at least one stage "
                               f"(columns {', '.join(fields.BY_NAME['stages'].register_columns)})")
    message = re.sub(r" \(stages\[\d+\]\)", "", problem.message)  # entry numbers mean nothing in a sheet
    message = re.sub(r"the date of stages\[(\d+)\]", lambda m: f"the date in column {columns[f'stages[{m[1]}]']}",
                     message)
    return replace(problem, line=None, field=column_of(problem.field, columns), message=message)


@dataclass(frozen=True)
class Register:
    """What a register lists, one per row, and how a row becomes a checked record: `noun` names a
    row's record in messages; `columns` and `required` are the register's columns; `docs` and
    `template` are where people find them; `record_from_row(cells)` gives (record, the column of
    each field path); `validate(record, source, row)` (canonical or None, problems);
    `register_problem(problem, columns)` a problem as the register names it; `to_yaml` the file."""

    noun: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    docs: str
    template: str
    record_from_row: Callable[[dict], tuple[dict, dict[str, str]]]
    validate: Callable[[dict, str, int], tuple[dict | None, list[Problem]]]
    register_problem: Callable[[Problem, dict[str, str]], Problem]
    to_yaml: Callable[[dict], str]


def projects(known_teams: set[str] | None) -> Register:
    """A register of projects, their teams checked against `known_teams`."""
    return Register("project", COLUMNS, REQUIRED_COLUMNS, "data/projects/README.md",
                    "data/projects/register-template.csv", _record_from_row,
                    lambda record, source, row: validate(record, source=source, known_teams=known_teams, row=row),
                    _register_problem, to_yaml)


def import_register(path: Path, out_dir: Path, known_teams: set[str] | None, *, force: bool = False) -> list[Path]:
    """Write one record file per row of a register (.csv or .xlsx, first sheet) into `out_dir`.

    Every row is checked first; any problem (with its row and column) raises RecordsError and
    nothing is written. An existing <id>.yml (or .yaml) in out_dir is a problem unless `force`.
    Returns the paths written, in row order.
    """
    return import_rows(path, out_dir, projects(known_teams), force=force)


def import_rows(path: Path, out_dir: Path, register: Register, *, force: bool = False) -> list[Path]:
    """`import_register` for any Register: one file per row, written only if every row passes."""
    path, out_dir = Path(path), Path(out_dir)
    source = str(path)
    rows, problems = _read_register(path, source)
    if problems:
        raise RecordsError(problems)
    if not rows or not any(_cell(v) is not None for v in rows[0]):
        raise RecordsError([Problem(source, None, None, "", "file is empty; expected a header row of column names "
                                                            f"(see {register.template})")])
    header = [str(as_text(_cell(v)) or "").strip().lower().replace(" ", "_") for v in rows[0]]
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            if any(i < len(r) and _cell(r[i]) is not None for r in rows[1:]):
                problems.append(Problem(source, None, 1, "", f"column {i + 1} has values but no name in the header"))
            continue
        if name in index:
            problems.append(Problem(source, None, 1, short(name), f"column {show(name)} appears twice (columns "
                                    f"{index[name] + 1} and {i + 1}); expected each column once"))
            continue
        index[name] = i
        if name not in register.columns:
            close = difflib.get_close_matches(name, register.columns, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(Problem(source, None, 1, short(name), f"unknown column {show(name)}; {hint}(the columns "
                                    f"are listed in {register.docs}; nothing is dropped silently)"))
    for name in register.required:
        if name not in index:
            problems.append(Problem(source, None, 1, name, f"required column {name!r} is missing"))
    if problems:
        raise RecordsError(problems)

    checked: list[tuple[int, dict]] = []
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], 2):
        values = {name: _cell(cells[i]) if i < len(cells) else None for name, i in index.items()}
        if all(v is None for v in values.values()):
            continue
        too_long = [Problem(source, None, number, name, f"{show(value)} is {len(value):,} characters long; a cell "
                                                        f"holds at most {CELL_MAX_CHARS:,}")
                    for name, value in values.items() if isinstance(value, str) and len(value) > CELL_MAX_CHARS]
        if too_long:
            problems.extend(too_long)
            continue
        record, columns = register.record_from_row(values)
        canonical, found = register.validate(record, source, number)
        problems.extend(register.register_problem(p, columns) for p in found)
        record_id = canonical["id"] if canonical else record.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in first_row_of:
            problems.append(Problem(source, None, number, "id", f"{record_id!r} is also the id in row "
                                                                f"{first_row_of[record_id]}; expected each "
                                                                f"{register.noun} once"))
            continue
        first_row_of[record_id] = number
        if canonical is None:
            continue
        existing = [out_dir / f"{record_id}{suffix}" for suffix in (".yml", ".yaml")
                    if (out_dir / f"{record_id}{suffix}").exists()]
        if existing and not (force and existing == [out_dir / f"{record_id}.yml"]):
            problems.append(Problem(source, None, number, "id", f"{existing[0]} already exists; "
                                    + ("import with --force to replace it" if not force else
                                       "remove it: the import writes .yml files")))
            continue
        checked.append((number, canonical))
    if problems:
        raise RecordsError(problems)
    if not checked:
        raise RecordsError([Problem(source, None, None, "", f"no {register.noun} rows under the header")])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for _, record in checked:
        target = out_dir / f"{record['id']}.yml"
        target.write_text(register.to_yaml(record), encoding="utf-8", newline="\n")
        written.append(target)
    return written
