"""Record files: YAML text and folders of project records, checked whole.

A record file is read with the line of every field, so each problem names it; a folder is
checked file by file and every problem of every file is reported in one run (size, UTF-8, YAML
syntax and its bounds, empty files, fields given twice, the checks of checks.validate, an id
that differs from the file name, an id used twice). `check` adds the problems of
data/teams.yml and the warnings of checks.warnings.

A record file over RECORD_MAX_BYTES is refused before it is read, and the YAML reader is
bounded (etl.shared.yamlfile: at most RECORD_MAX_VALUES values with aliases expanded, nesting),
so a hostile file costs a line of output and well under a second, not the machine's memory.

The same reading serves any record kept one file per record: a Form says what the folder holds
(projects here; needs in etl/records/needs.py) and how one record is checked.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.records import checks, teams as _teams
from etl.records.errors import Problem, RecordsError, by_line, errors, join, show
from etl.shared import yamlfile

RECORD_MAX_BYTES = yamlfile.MAX_BYTES  # a record file; bigger ones are refused unread
RECORD_MAX_VALUES = 5_000              # values in a record file, aliases expanded (a real one holds about 100)


@dataclass(frozen=True)
class Form:
    """A kind of record kept one file per record: `noun` names one in messages ("project",
    "need"); `validate(data, source, lines)` gives (canonical record or None, problems);
    `warnings(record, source, lines)` the warnings of a record that passed."""

    noun: str
    validate: Callable[[object, str, dict], tuple[dict | None, list[Problem]]]
    warnings: Callable[[dict, str, dict], list[Problem]] = lambda record, source, lines: []


def projects(known_teams: set[str] | None) -> Form:
    """Project records, their teams checked against `known_teams` (None: not checked)."""
    return Form("project", lambda data, source, lines: checks.validate(data, source=source, known_teams=known_teams,
                                                                       lines=lines),
                lambda record, source, lines: checks.warnings(record, source=source, lines=lines))


def _node_lines(node, prefix: str, lines: dict, repeated: list) -> None:
    """Fill `lines` with the line of every field path; note keys given twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            path = join(prefix, key)
            line = key_node.start_mark.line + 1
            if key in seen:
                repeated.append((prefix, key, line))
            seen.add(key)
            lines.setdefault(path, line)
            _node_lines(value_node, path, lines, repeated)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, 1):
            path = f"{prefix}[{i}]"
            lines[path] = item.start_mark.line + 1
            _node_lines(item, path, lines, repeated)


def _parse(text: str, source: str, form: Form, expected_id: str | None):
    """(canonical record or None, problems, field lines, the id as written or None); a canonical
    record's problems are its warnings."""
    text = text.removeprefix("\ufeff")
    too_large = yamlfile.too_large(yamlfile.text_size(text), RECORD_MAX_BYTES, f"{form.noun} record")
    if too_large:
        return None, [Problem(source, None, None, "", too_large)], {}, None
    if not text.strip():
        return None, [Problem(source, None, None, "", "file is empty")], {}, None
    loader = yamlfile.LineLoader(text, max_values=RECORD_MAX_VALUES)
    lines: dict[str, int] = {}
    repeated: list = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(source, None, None, "", "file is empty (only comments)")], {}, None
        lines[""] = node.start_mark.line + 1
        _node_lines(node, "", lines, repeated)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        line, what = yamlfile.failure(exc)
        return None, [Problem(source, line, None, "", what)], {}, None
    finally:
        loader.dispose()
    record, problems = form.validate(data, source, lines)
    for parent, key, line in repeated:
        problems.append(Problem(source, line, None, parent, f"field {key!r} is given twice; give each field once"))
    raw_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    if expected_id is not None and raw_id is not None and raw_id.strip() != expected_id:
        problems.append(Problem(source, lines.get("id"), None, "id",
                                f"{show(raw_id.strip())} differs from the file name; expected {expected_id!r} "
                                "(a record is named <id>.yml: rename the file or change the id)"))
    if problems:
        return None, by_line(problems), lines, raw_id
    return record, form.warnings(record, source, lines), lines, raw_id


def parse_text(text: str, *, source: str, known_teams: set[str] | None,
               expected_id: str | None = None) -> tuple[dict | None, list[Problem]]:
    """Check a record given as YAML text (a file's or a form's); as `validate`, plus size, YAML
    syntax and bounds, empty text, fields given twice and (with expected_id, the file stem) an id
    that differs. Warnings (checks.warnings) of a record that passed are left out."""
    record, problems, _, _ = _parse(text, source, projects(known_teams), expected_id)
    return record, errors(problems)


def record_files(folder: Path) -> list[Path]:
    """The record files of `folder`: *.yml and *.yaml by name, less templates (names starting
    with "_" or ".", or ending in "template")."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in (".yml", ".yaml")
                  and not p.name.startswith(("_", ".")) and not p.stem.lower().endswith("template"))


def _read_text(path: Path, source: str, noun: str) -> tuple[str | None, list[Problem]]:
    too_large = yamlfile.too_large(path.stat().st_size, RECORD_MAX_BYTES, f"{noun} record")
    if too_large:
        return None, [Problem(source, None, None, "", too_large)]
    with path.open("rb") as f:
        raw = f.read(RECORD_MAX_BYTES + 1)  # the size may change between stat and read
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(source, line, None, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]


def load_folder(folder: Path, known_teams: set[str] | None) -> list[dict]:
    """The canonical records of every record file in `folder`, sorted by file name.

    Raises RecordsError with every problem of every file (size, UTF-8, empty files, YAML syntax
    and bounds, the checks of `validate`, ids that differ from the file name, ids used twice) if
    any; warnings do not stop a record loading.
    """
    records, problems = read_folder(folder, projects(known_teams))
    if errors(problems):
        raise RecordsError(errors(problems))
    return records


def read_folder(folder: Path, form: Form) -> tuple[list[dict], list[Problem]]:
    """(the records of `folder` that passed, every problem and warning of every file)."""
    folder = Path(folder)
    if not folder.is_dir():
        return [], [Problem(str(folder), None, None, "", f"no such folder of {form.noun} records")]
    records, problems = [], []
    first_with_id: dict[str, str] = {}
    for path in record_files(folder):
        source = str(path)
        text, found = _read_text(path, source, form.noun)
        if text is None:
            problems.extend(found)
            continue
        record, found, lines, raw_id = _parse(text, source, form, path.stem)
        record_id = record["id"] if record else (raw_id.strip() if raw_id else None)
        if record_id:
            if record_id in first_with_id and record_id == path.stem:  # else the file name problem says it
                found.append(Problem(source, lines.get("id"), None, "id",
                                     f"{record_id!r} is also the id in {first_with_id[record_id]}; "
                                     f"expected each {form.noun} once"))
                record = None
            first_with_id.setdefault(record_id, source)
        problems.extend(by_line(found))
        if record is not None:
            records.append(record)
    return records, problems


def _teams_problems(text: str, teams_path: Path) -> list[Problem]:
    source = str(teams_path)
    problems = []
    for message in text.splitlines():
        if message.startswith(source):
            rest = message[len(source):]
            located = re.match(r"^:(\d+): (.*)$", rest)
            if located:
                problems.append(Problem(source, int(located.group(1)), None, "", located.group(2)))
                continue
            if rest.startswith(": "):
                problems.append(Problem(source, None, None, "", rest[2:]))
                continue
        problems.append(Problem(source, None, None, "", message))
    return problems


def _team_ids_leniently(teams_path: Path) -> set[str] | None:
    """Team ids in a teams file that did not pass its checks, or None if it cannot be read."""
    try:
        raw = yamlfile.read(teams_path, ValueError, what="teams file")
        return {t["id"] for t in raw["teams"] if isinstance(t, dict) and isinstance(t.get("id"), str)}
    except Exception:  # noqa: BLE001 -- the teams file's own problems are already reported
        return None


def team_ids(teams_file: Path) -> set[str] | None:
    """The team ids of a teams file: every one when the file passes its checks, else those that
    can be read (None if none can); its problems are `check`'s to report."""
    try:
        return {t["team_id"] for t in _teams.load(teams_file)["teams"]}
    except _teams.TeamsError:
        return _team_ids_leniently(teams_file)


def check(records_dir: Path, teams_file: Path) -> list[Problem]:
    """Every problem in data/teams.yml and the project records, and the records' warnings
    (Problem.warning; errors.errors() leaves them out); [] when all is well."""
    problems: list[Problem] = []
    try:
        known = {t["team_id"] for t in _teams.load(teams_file)["teams"]}
    except _teams.TeamsError as exc:
        problems.extend(_teams_problems(str(exc), Path(teams_file)))
        known = _team_ids_leniently(teams_file)
    problems.extend(read_folder(records_dir, projects(known))[1])
    return problems


def record_ids(folder: Path) -> set[str]:
    """The ids of the record files in `folder` (their names), whether or not they pass their
    checks: what other records may refer to, without a broken record's problems twice."""
    return {p.stem for p in record_files(folder)} if Path(folder).is_dir() else set()

