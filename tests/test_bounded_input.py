"""Hostile or mistaken input costs a line of output, never the machine: YAML alias bombs,
recursive aliases, deep nesting and oversized files are refused as they are read; text,
addresses, dates and registers are bounded; each refusal names the file (and the line, row,
column or field when known) and the limit."""
from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import subprocess
import sys
import time
import tracemalloc
import zipfile

import pytest

from etl import config
from etl.records import checks, fields, files, portfolio, spreadsheet
from etl.records.errors import RecordsError
from etl.shared import contents, imports, manifests, yamlfile

TEAMS = config.DATA_DIR / "teams.yml"
KNOWN = {"ai-skunkworks", "analytics-unit"}
TODAY = dt.date.today()

GOOD = """\
id: nlp-triage
title: NLP triage
summary: Sorts incident reports by theme.
lead_team: ai-skunkworks
stages:
  - {stage: idea, date: 2021-03-01}
  - {stage: discovery, date: 2021-05-10}
outputs:
  - {kind: case_study, title: NLP triage case study, url: https://example.org/cs, date: 2023-05-01}
"""


def billion_laughs(levels: int = 9, first: str = "id: lol\n") -> str:
    """The classic: ten of the level below on each of `levels` levels, 10**levels values in all."""
    lines = [first, 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    lines += [f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, levels + 1)]
    return "".join(lines) + f"title: *l{levels}\n"


class Wrong(ValueError):
    pass


# --- the YAML reader -----------------------------------------------------------------------

def test_a_billion_laughs_stops_at_once_with_little_memory_naming_file_and_line(tmp_path):
    path = tmp_path / "lol.yml"
    path.write_text(billion_laughs(), encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(Wrong) as caught:
        yamlfile.read(path, Wrong, with_lines=True)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(caught.value) == (f"{path}:6: more than {yamlfile.MAX_VALUES:,} values (the limit), counting each "
                                 "alias (*name) as the values it repeats; not read further")
    assert seconds < 0.5 and peak < 20_000_000


def test_aliases_within_the_limit_still_read():
    assert yamlfile.load(billion_laughs(levels=3))["title"][0][0][0] == ["lol"] * 10


def test_an_alias_inside_the_value_it_names_is_refused(tmp_path):
    path = tmp_path / "loop.yml"
    path.write_text("a: 1\nb: &b\n  c: [*b]\n", encoding="utf-8")
    with pytest.raises(Wrong, match=r"loop\.yml:3: the alias \*b is inside the value it names"):
        yamlfile.read(path, Wrong)


def test_nesting_past_the_limit_is_refused_not_a_recursion_error(tmp_path):
    path = tmp_path / "deep.yml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(Wrong, match=rf"deep\.yml:1: mappings and lists are nested more than {yamlfile.MAX_DEPTH} "
                                    r"deep \(the limit\)"):
        yamlfile.read(path, Wrong)
    assert yamlfile.load("a: " + "[" * (yamlfile.MAX_DEPTH - 1) + "]" * (yamlfile.MAX_DEPTH - 1))


def test_a_file_over_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.yml"
    path.write_bytes(b"a: " + b"x" * yamlfile.MAX_BYTES + b"\n")
    with pytest.raises(Wrong) as caught:
        yamlfile.read(path, Wrong, what="teams file")
    assert str(caught.value) == (f"{path}: {yamlfile.MAX_BYTES + 4:,} bytes, over the {yamlfile.MAX_BYTES:,}-byte "
                                 "limit for a teams file; not read")
    with pytest.raises(yamlfile.LimitError, match="over the 1,000,000-byte limit"):
        yamlfile.load("a: " + "x" * yamlfile.MAX_BYTES)


def test_a_number_too_long_for_python_stays_text():
    assert yamlfile.load("n: " + "1" * 5000) == {"n": "1" * 5000}


# --- records: `etl check` as a user runs it ------------------------------------------------

MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "etl", "check", "--records", sys.argv[1], "--teams", sys.argv[2]],
                      capture_output=True, text=True, timeout=60)
seconds = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr, "seconds": seconds,
                  "peak_mb": peak_kb / 1024}))
"""


def measured_check(folder) -> dict:
    """`python -m etl check` on `folder`, run from a process of its own so that the peak memory
    (ru_maxrss of the children) is the check's alone."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(folder), str(TEAMS)], cwd=config.ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_refuses_a_billion_laughs_record_in_seconds_and_little_memory(tmp_path):
    (tmp_path / "lol.yml").write_text(billion_laughs(), encoding="utf-8")
    run = measured_check(tmp_path)
    assert run["code"] == 1
    assert run["out"].splitlines() == [
        f"{tmp_path / 'lol.yml'}:5: more than {files.RECORD_MAX_VALUES:,} values (the limit), counting each alias "
        "(*name) as the values it repeats; not read further"]
    assert "Traceback" not in run["err"]
    assert run["seconds"] < 5 and run["peak_mb"] < 200, run


def test_check_refuses_a_5_mb_title_at_once_naming_the_file_and_the_limit(tmp_path):
    text = GOOD.replace("title: NLP triage", "title: " + "x" * 5_000_000)
    (tmp_path / "nlp-triage.yml").write_text(text, encoding="utf-8")
    run = measured_check(tmp_path)
    assert run["code"] == 1
    assert run["out"].splitlines() == [f"{tmp_path / 'nlp-triage.yml'}: {len(text.encode()):,} bytes, over the "
                                       f"{files.RECORD_MAX_BYTES:,}-byte limit for a project record; not read"]
    assert "Traceback" not in run["err"]
    assert run["seconds"] < 5 and run["peak_mb"] < 200, run


def test_a_record_of_too_many_plain_values_is_refused_quickly_and_one_under_the_limit_checked_quickly():
    started = time.perf_counter()
    # the mapping, two keys, one value and the list are 5 values: entry n (on line n + 2) is value 5 + n
    assert problems_of("id: nlp-triage\ntitle:\n" + "  - a\n" * 100_000) == [
        f"x.yml:{files.RECORD_MAX_VALUES - 2}: more than {files.RECORD_MAX_VALUES:,} values (the limit), counting each "
        "alias (*name) as the values it repeats; not read further"]
    tags = [f"t{i}" for i in range(files.RECORD_MAX_VALUES - 100)]
    record, problems = parse(GOOD + f"tags: {{domain: [{', '.join(tags)}]}}\n")
    assert problems == [] and record["tags"]["domain"] == tags
    assert time.perf_counter() - started < 3  # each tag was once compared with every other: 30 s and more


def parse(text):
    return files.parse_text(text, source="x.yml", known_teams=KNOWN, expected_id="nlp-triage")


def problems_of(text):
    record, problems = parse(text)
    assert record is None
    return [str(p) for p in problems]


def test_a_title_within_the_file_limit_but_too_long_is_named_with_its_line_and_limit():
    started = time.perf_counter()
    assert problems_of(GOOD.replace("title: NLP triage", "title: " + "x" * 900_000, 1)) == [
        f"x.yml:2: title: '{'x' * 67}...' is 900,000 characters long; expected at most {fields.TITLE_MAX}"]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("old, new, field, limit", [
    ("title: NLP triage", "title: " + "t" * 301, "title", 300),
    ("lead_team: ai-skunkworks", "lead_team: ai-skunkworks\ndescription: " + "d" * 20_001, "description", 20_000),
    ("lead_team: ai-skunkworks", "lead_team: ai-skunkworks\ntags: {domain: [" + "g" * 101 + "]}", "tags.domain[1]",
     100),
    ("title: NLP triage case study", "title: " + "o" * 301, "outputs[1].title", 300),
    ("lead_team: ai-skunkworks", "lead_team: ai-skunkworks\nimpact: {text: " + "i" * 20_001 + "}", "impact.text",
     20_000),
])
def test_every_text_has_a_limit_named_in_its_message(old, new, field, limit):
    [problem] = problems_of(GOOD.replace(old, new, 1))
    assert f": {field}: " in problem and problem.endswith(f"characters long; expected at most {limit:,}")


def test_every_text_field_of_the_schema_declares_a_limit():
    def walk(field, path):
        if field.kind in ("slug", "text", "line"):
            yield path, field.limit
        for part in field.parts:
            yield from walk(part, f"{path}.{part.name}")
        if field.item is not None:
            yield from walk(field.item, f"{path}[]")
    limits = dict(p for f in fields.RECORD for p in walk(f, f.name))
    assert limits["title"] == fields.TITLE_MAX and limits["description"] == fields.TEXT_MAX
    assert [path for path, limit in limits.items() if not limit] == []


# --- addresses -------------------------------------------------------------------------------

TRICK = "https://example.org/a)![x](https://tracker.example/p.png)[y](https://evil.example"
TRICK_SHOWN = "'https://example.org/a)![x](https://tracker.example/p.png)[y](https:...'"
TRICK_WHY = ("holds '[', ']' (never plain in an address) and a ')' without its partner, which could turn it into "
             "Markdown or HTML where it is shown (a lone bracket can end a link and start another); write [ as %5B, "
             "] as %5D, ) as %29")


def test_a_markdown_trick_in_a_case_study_link_is_refused_naming_file_line_and_field():
    assert problems_of(GOOD.replace("https://example.org/cs", json.dumps(TRICK))) == [
        f"x.yml:9: outputs[1].url: {TRICK_SHOWN} {TRICK_WHY}"]


def test_a_markdown_trick_in_a_repository_address_is_refused():
    text = GOOD + f"repositories:\n  - {TRICK.replace('example.org', 'github.com/nhsx/x', 1)}\n"
    [problem] = problems_of(text)
    assert problem.startswith("x.yml:11: repositories[1]: 'https://github.com/nhsx/x/a)![x]")
    assert problem.endswith(TRICK_WHY)


@pytest.mark.parametrize("url, why", [
    ("https://example.org/a b", "holds a space, line break or invisible character (character 22, U+0020)"),
    ("https://example.org/\u202egpj.exe", "holds a space, line break or invisible character (character 21, U+202E)"),
    ("https://example.org/<img>", "holds '<', '>' (never plain in an address)"),
    ("https://example.org/a)", "holds a ')' without its partner"),
    ("https://example.org/a\\b", "holds '\\\\' (never plain in an address)"),
    ("https://user:secret@example.org/", "holds a user name or password; give the address without them"),
    ("https://exa_mple.org/", "has host 'exa_mple.org', which is not a host name"),
    ("https://example.org:70000/", "has a port that is not a number from 0 to 65535"),
    ("https://example.org/" + "a" * 2_000, "is 2,020 characters long; expected an address of at most 2,000"),
    ("javascript:alert(1)", "is not a web address (expected http:// or https:// and a host)"),
    ("https:/example.org", "is not a web address (expected http:// or https:// and a host)"),
])
def test_addresses_that_are_not_plainly_addresses_say_what_is_wrong(url, why):
    [problem] = problems_of(GOOD.replace("https://example.org/cs", json.dumps(url)))
    assert problem.startswith("x.yml:9: outputs[1].url: '") and why in problem


@pytest.mark.parametrize("url", [
    "https://en.wikipedia.org/wiki/Python_(programming_language)", "http://[::1]:8080/x", "HTTPS://EXAMPLE.ORG/A",
    "https://example.org/caf%C3%A9?q=1&r=a,b#part", "https://example.org/über",
])
def test_plain_addresses_pass(url):
    record, problems = parse(GOOD.replace("https://example.org/cs", json.dumps(url)))
    assert problems == [] and record["outputs"][0]["url"] == url


# --- dates -----------------------------------------------------------------------------------

def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def stages(*dates: str) -> str:
    names = ["idea", "discovery", "pilot"]
    return GOOD.replace("  - {stage: idea, date: 2021-03-01}\n  - {stage: discovery, date: 2021-05-10}\n",
                        "".join(f"  - {{stage: {s}, date: {d}}}\n" for s, d in zip(names, dates)))


def test_a_stage_the_project_has_left_cannot_be_dated_after_today():
    assert problems_of(stages("2021-03-01", days(10), days(20))) == [
        f"x.yml:7: stages[2].date: {days(10)} is after today ({TODAY}), but the project has since moved on to "
        "'pilot' (stages[3]); a stage is dated the day the project entered it"]


def test_dates_far_ahead_are_warnings_and_the_record_still_loads(tmp_path):
    text = (stages("2021-03-01", "2099-01-01").replace("date: 2023-05-01", "date: 2098-01-01")
            + "years: {from: 2021, to: 2099}\n")
    (tmp_path / "nlp-triage.yml").write_text(text, encoding="utf-8")
    expected = [f"{tmp_path / 'nlp-triage.yml'}:{line}: warning: {message}" for line, message in [
        (7, f"stages[2].date: 2099-01-01 is more than a year after today ({TODAY}); a stage is dated the day the "
            "project entered it: check the year"),
        (9, f"outputs[1].date: 2098-01-01 is more than a year after today ({TODAY}); an output is dated the day it "
            "was published: check the year"),
        (10, f"years.to: 2099 is more than a year after this year ({TODAY.year}); check the year")]]
    assert [str(p) for p in files.check(tmp_path, TEAMS)] == expected
    assert [r["id"] for r in files.load_folder(tmp_path, KNOWN)] == ["nlp-triage"]
    done = subprocess.run([sys.executable, "-m", "etl", "check", "--records", str(tmp_path), "--teams", str(TEAMS)],
                          cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.splitlines() == expected
    assert "valid; 3 warning(s)." in done.stderr


def test_the_latest_stage_a_few_months_ahead_is_neither_error_nor_warning(tmp_path):
    record, problems = parse(stages("2021-03-01", days(100)))
    assert problems == [] and record["stages"][-1]["date"] == TODAY + dt.timedelta(days=100)
    assert checks.warnings(record, source="x.yml") == []


def test_loading_logs_warnings_and_loads(tmp_path, caplog):
    records = tmp_path / "projects"
    records.mkdir()
    (records / "nlp-triage.yml").write_text(stages("2021-03-01", "2099-01-01"), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="etl.records"):
        loaded = portfolio.read(records, TEAMS).projects
    assert [r["id"] for r in loaded] == ["nlp-triage"]
    assert "warning: stages[2].date: 2099-01-01 is more than a year after today" in caplog.text


def test_a_bomb_among_records_stops_the_load_with_one_line(tmp_path):
    records = tmp_path / "projects"
    records.mkdir()
    (records / "lol.yml").write_text(billion_laughs(), encoding="utf-8")
    (records / "nlp-triage.yml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RecordsError) as caught:
        portfolio.read(records, TEAMS)
    assert [str(p) for p in caught.value.problems] == [
        f"{records / 'lol.yml'}:5: more than {files.RECORD_MAX_VALUES:,} values (the limit), counting each alias "
        "(*name) as the values it repeats; not read further"]


# --- registers -------------------------------------------------------------------------------

HEADER = ["id", "title", "summary", "lead_team", "idea"]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def register_problems(path, out) -> list[str]:
    with pytest.raises(RecordsError) as caught:
        spreadsheet.import_register(path, out, KNOWN)
    assert not out.exists()
    return str(caught.value).splitlines()


def test_a_register_cell_too_long_names_row_and_column(tmp_path):
    register = write_csv(tmp_path / "r.csv", [["a", "A", "S", "ai-skunkworks", "2021-01-01"],
                                              ["b", "B", "s" * 20_001, "ai-skunkworks", "2021-01-01"]])
    assert register_problems(register, tmp_path / "out") == [
        f"{register} row 3: summary: '{'s' * 67}...' is 20,001 characters long; a cell holds at most 20,000"]


def test_a_csv_cell_past_the_csv_reader_limit_names_its_row(tmp_path):
    register = write_csv(tmp_path / "r.csv", [["a", "A", "S", "ai-skunkworks", "2021-01-01"],
                                              ["b", "B", "s" * 200_000, "ai-skunkworks", "2021-01-01"]])
    assert register_problems(register, tmp_path / "out") == [
        f"{register} row 3: a cell holds more than 131,072 characters; at most 20,000"]


def test_a_register_with_too_many_rows_or_columns_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "REGISTER_MAX_ROWS", 3)
    rows = [[f"p{i}", "P", "S", "ai-skunkworks", "2021-01-01"] for i in range(5)]
    register = write_csv(tmp_path / "r.csv", rows)
    assert register_problems(register, tmp_path / "out") == [
        f"{register} row 5: more than 3 rows under the header; split the register into several"]
    wide = write_csv(tmp_path / "w.csv", [["p", "P", "S", "ai-skunkworks", "2021-01-01"] + ["x"] * 300])
    assert register_problems(wide, tmp_path / "out") == [f"{wide} row 2: has 305 columns; a register has at most 200"]


def test_an_oversized_register_or_xlsx_bomb_is_refused_unread(tmp_path, monkeypatch):
    register = write_csv(tmp_path / "r.csv", [["a", "A", "S", "ai-skunkworks", "2021-01-01"]])
    monkeypatch.setattr(spreadsheet, "REGISTER_MAX_BYTES", 10)
    size = register.stat().st_size
    assert register_problems(register, tmp_path / "out") == [
        f"{register}: {size:,} bytes, over the 10-byte limit for a register; not read (split it into several)"]
    monkeypatch.undo()
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("xl/worksheets/sheet1.xml", b" " * 120_000_000)
    assert bomb.stat().st_size < 1_000_000
    assert register_problems(bomb, tmp_path / "out") == [
        f"{bomb}: unpacks to 120,000,000 bytes, over the 100,000,000-byte limit for a register; not read"]


# --- manifests and notebooks read from repositories -----------------------------------------

def test_a_conda_environment_file_goes_through_the_bounded_reader():
    with pytest.raises(manifests.ManifestError) as caught:
        manifests.parse("environment.yml", billion_laughs(first="name: x\n").replace("title:", "dependencies:"))
    assert str(caught.value) == (f"environment.yml, line 6: more than {yamlfile.MAX_VALUES:,} values (the limit), "
                                 "counting each alias (*name) as the values it repeats; not read further")
    with pytest.raises(manifests.ManifestError, match=r"environment.yml, line 2: the alias \*d is inside"):
        manifests.parse("environment.yml", "name: x\ndependencies: &d [numpy, *d]\n")


@pytest.mark.parametrize("path, text", [
    ("package.json", "[" * 100_000 + "]" * 100_000),
    ("renv.lock", '{"Packages": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("pyproject.toml", "a = " + "[" * 100_000 + "]" * 100_000),
])
def test_manifests_nested_too_deeply_are_a_manifest_error(path, text):
    with pytest.raises(manifests.ManifestError, match=rf"^{path}: nested too deeply to read"):
        manifests.parse(path, text)
    assert manifests.provides(path, text) == []


def test_notebooks_over_the_size_cap_are_left_out_with_a_problem():
    big = 2 * imports.MAX_SOURCE_BYTES
    wanted, problems = contents.source_paths([{"path": "a.ipynb", "type": "blob", "size": big},
                                              {"path": "b.ipynb", "type": "blob", "size": 100}])
    assert wanted == ["b.ipynb"]
    assert problems == [{"kind": "source_too_large", "detail": "a.ipynb",
                         "message": f"a.ipynb is {big:,} bytes, over the 1 MB limit; its imports were not read"}]
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": "import numpy\n" + "#" * big}]})
    rows, problems = imports.infer({"a.ipynb": notebook}, mapping={})
    assert rows == [] and [(p["kind"], p["detail"]) for p in problems] == [("source_too_large", "a.ipynb")]


def test_the_import_name_mapping_goes_through_the_bounded_reader(tmp_path):
    path = tmp_path / "import_names.yml"
    path.write_text(billion_laughs(first="imports: {}\n"), encoding="utf-8")
    with pytest.raises(imports.ImportsError, match=r"past a bound of the YAML reader at line 6: more than 100,000"):
        imports.load_mapping(path)


def test_no_yaml_is_read_outside_the_bounded_reader():
    """Every YAML read in etl/ goes through etl.shared.yamlfile (analyses/vocabulary.py, which may
    not import etl, refuses aliases altogether)."""
    offenders = []
    for folder in ("etl", "analyses", "dashboard", "publish", "pages"):
        for path in (config.ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(call in text for call in ("yaml.safe_load", "yaml.load(", "yaml.full_load", "yaml.unsafe_load",
                                             "yaml.load_all", "yaml.safe_load_all")):
                offenders.append(str(path.relative_to(config.ROOT)))
    assert offenders == ["analyses/vocabulary.py"]
