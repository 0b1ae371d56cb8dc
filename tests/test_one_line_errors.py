"""Every command fails in one line: against a warehouse that is missing, empty, text, cut short, a
folder or of an older schema; into outputs that cannot be written; with settings that cannot be
used; with a broken data/vocabulary.yml. Exit 2 with one line naming what is wrong and what to
do, never a traceback; exit 1 is left for bugs."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import config, warehouse
from tests import broken_warehouses
from tests.broken_warehouses import KINDS, OLDER

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR) ")
PROJECT = "ambulance-handover-forecasting"  # a project of the demo data


def etl(*args: str, env: dict | None = None, vocabulary: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` as a user runs it (offline: no sources file, a fixed salt). With
    `vocabulary`, the command reads that file instead of data/vocabulary.yml."""
    command = [sys.executable, "-m", "etl", *args]
    if vocabulary:
        command = [sys.executable, "-c", "import runpy, sys; from pathlib import Path; "
                   f"import analyses.vocabulary as v; v.FILE = Path({str(vocabulary)!r}); sys.argv[0] = 'etl'; "
                   "runpy.run_module('etl', run_name='__main__', alter_sys=True)", *args]
    base = {k: v for k, v in os.environ.items() if not k.startswith("DSA_")}
    return subprocess.run(command, cwd=config.ROOT, capture_output=True, text=True, timeout=300,
                          env={**base, "DSA_SALT": "test-salt", "DSA_CONFIG": "/nonexistent/sources.yml",
                               "GITHUB_API_URL": "http://127.0.0.1:9", **(env or {})})


def one_line_failure(done: subprocess.CompletedProcess) -> str:
    """The one error line of a command that failed as it should: exit 2, every line of stderr a
    log line (no traceback, no continuation lines), exactly one of them an error."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert all(LOG_LINE.match(line) for line in lines), lines
    errors = [line for line in lines if " ERROR " in line]
    assert len(errors) == 1, lines
    return errors[0].split(" ERROR ", 1)[1]


@pytest.fixture(scope="module")
def masters(tmp_path_factory) -> Path:
    """One warehouse path of each kind, made once; tests work on copies."""
    root = tmp_path_factory.mktemp("kinds")
    for kind in KINDS:
        broken_warehouses.make(kind, root / kind / "warehouse.duckdb")
    return root


def copy_of(masters: Path, kind: str, tmp_path: Path) -> Path:
    source, target = masters / kind / "warehouse.duckdb", tmp_path / "db" / "warehouse.duckdb"
    target.parent.mkdir()
    if source.is_dir():
        shutil.copytree(source, target)
    elif source.exists():
        shutil.copy(source, target)
    return target


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A tiny git clone, so that `refresh --git` needs no network."""
    repo = tmp_path_factory.mktemp("clone") / "analysis"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Analyst",
           "GIT_AUTHOR_EMAIL": "analyst@example.nhs.test", "GIT_COMMITTER_NAME": "Analyst",
           "GIT_COMMITTER_EMAIL": "analyst@example.nhs.test"}
    (repo / "model.py").write_text("import pandas\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Start"]):
        subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)
    return repo


# What each kind of warehouse means to a command that reads it: one line saying so and what to run.
SAYS = {
    "missing": "no warehouse there; build one with `python -m etl demo`",
    "empty": "is an empty file, not a warehouse",
    "text": "is not a DuckDB database, so not a warehouse: check --db or DSA_DB",
    "truncated": "cannot be read, the file is damaged or incomplete",
    "folder": "is a folder, not a warehouse file",
    "older": (f"was built by an older version of Assembly Insights (schema {OLDER}, this version reads "
              f"{config.SCHEMA_VERSION}): run `python -m etl refresh --full` (or `python -m etl demo`) to rebuild it"),
}
READERS = {
    "status": ["status"],
    "export": ["export", "--parquet", "{tmp}/export"],
    "report": ["report", "--out", "{tmp}/report.html"],
    "case-study": ["case-study", PROJECT, "--out", "{tmp}/case.html"],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", READERS)
def test_a_command_reading_a_warehouse_it_cannot_read_says_why_in_one_line(masters, tmp_path, command, kind):
    db = copy_of(masters, kind, tmp_path)
    done = etl(*(a.format(tmp=tmp_path) for a in READERS[command]), "--db", str(db))
    line = one_line_failure(done)
    assert line.startswith(str(db)) and SAYS[kind] in line, line
    assert not (tmp_path / "export").exists() and not list(tmp_path.glob("*.html"))


# Loading into a warehouse: a missing or empty file is simply built; what is not a warehouse is never
# replaced; records alone cannot rebuild a damaged or older warehouse, so `records load` says what to run.
LOAD_REFUSES = {"text", "truncated", "folder", "older"}


@pytest.mark.parametrize("kind", KINDS)
def test_records_load_builds_where_it_can_and_otherwise_says_why_in_one_line(masters, tmp_path, kind):
    db = copy_of(masters, kind, tmp_path)
    before = db.read_bytes() if db.is_file() else None
    done = etl("records", "load", "--db", str(db))
    if kind in LOAD_REFUSES:
        assert SAYS[kind] in one_line_failure(done)
        assert (db.read_bytes() if db.is_file() else None) == before  # left exactly as it was
    else:
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert warehouse.examine(db)["schema_version"] == config.SCHEMA_VERSION


@pytest.mark.parametrize("kind", KINDS)
def test_refresh_rebuilds_an_older_warehouse_and_refuses_what_it_must_not_replace(masters, tmp_path, clone, kind):
    db = copy_of(masters, kind, tmp_path)
    done = etl("refresh", "--git", str(clone), "--db", str(db))
    if kind in ("text", "folder", "truncated"):
        line = one_line_failure(done)
        assert SAYS[kind] in line
        if kind == "truncated":  # it says how to rebuild it, and that works
            assert "run `python -m etl refresh --full`" in line
            rebuilt = etl("refresh", "--git", str(clone), "--db", str(db), "--full")
            assert rebuilt.returncode == 0, rebuilt.stderr
        else:
            assert "nothing was written" in line
            assert db.is_dir() or db.read_text(encoding="utf-8").startswith("team,commits")
            return
    else:
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    if kind == "older":
        assert (f"full load: the previous warehouse has schema {OLDER}, this version writes {config.SCHEMA_VERSION}"
                in done.stderr)
    assert warehouse.examine(db)["schema_version"] == config.SCHEMA_VERSION
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT full_name, stars FROM repositories").fetchall() == [("local/analysis", 0)]
    finally:
        con.close()
    assert etl("status", "--db", str(db)).returncode == 0


def test_the_run_log_of_an_older_warehouse_is_kept_by_the_rebuild(masters, tmp_path, clone):
    db = copy_of(masters, "older", tmp_path)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE etl_runs DROP COLUMN repos_detail")  # older still: the log had fewer columns
    before = con.execute("SELECT run_id, source, status FROM etl_runs").fetchall()
    con.close()
    assert etl("refresh", "--git", str(clone), "--db", str(db)).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    after = con.execute("SELECT run_id, source, status FROM etl_runs ORDER BY started_at").fetchall()
    con.close()
    assert after[:-1] == before and after[-1][1:] == ("git", "succeeded")


def test_a_warehouse_damaged_beyond_its_catalogue_fails_in_one_line(tmp_path):
    """Damage that opening the file does not reach (DuckDB reads a block when a query needs it)."""
    db = broken_warehouses.damaged_beyond_its_catalogue(tmp_path / "w.duckdb")
    warehouse.examine(db)  # the catalogue is intact: the damage shows only when the commits are read
    line = one_line_failure(etl("report", "--out", str(tmp_path / "r.html"), "--db", str(db)))
    assert line.startswith(f"{db} cannot be read, the file is damaged or incomplete (")


@pytest.fixture
def demo(demo_db_master) -> Path:
    """The session's demo warehouse (conftest.py); the commands here only read it."""
    return demo_db_master


@pytest.fixture
def a_file(tmp_path) -> Path:
    """A file where a folder is wanted: nobody, root included, can write below it."""
    path = tmp_path / "notes.txt"
    path.write_text("keep me\n")
    return path


@pytest.mark.parametrize("args, says", [
    (["case-study", PROJECT, "--out", "{file}/out/case.html"],
     "{file}/out/case.html cannot be written: its folder {file}/out cannot be made ({file} is a file)"),
    (["case-study", PROJECT, "--out", "{tmp}/case.html", "--pdf", "{file}/case.pdf"],
     "{file}/case.pdf cannot be written: its folder {file} cannot be made ({file} is a file)"),
    (["report", "--out", "{file}/report.html"],
     "{file}/report.html cannot be written: its folder {file} cannot be made ({file} is a file)"),
    (["report", "--out", "{tmp}"], "{tmp} is a folder; give a file name"),
    (["export", "--parquet", "{file}/export"],
     "{file}/export: the export cannot be written there ({file} is a file)"),
    (["export", "--parquet", "{file}"], "{file} is a file; the export writes a folder"),
])
def test_outputs_that_cannot_be_written_fail_in_one_line(demo, tmp_path, a_file, args, says):
    done = etl(*(a.format(file=a_file, tmp=tmp_path) for a in args), "--db", str(demo))
    assert says.format(file=a_file, tmp=tmp_path) in one_line_failure(done)
    assert a_file.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing half-written left behind


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_read_only_folder_fails_in_one_line(demo, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        line = one_line_failure(etl("case-study", PROJECT, "--out", str(locked / "case.html"), "--db", str(demo)))
        assert f"{locked / 'case.html'} cannot be written" in line
        assert "the export cannot be written there" in one_line_failure(
            etl("export", "--parquet", str(locked / "export"), "--db", str(demo)))
    finally:
        locked.chmod(0o700)


def test_an_output_in_a_missing_folder_is_written_there(demo, tmp_path):
    out = tmp_path / "new" / "folder" / "case.html"
    done = etl("case-study", PROJECT, "--out", str(out), "--db", str(demo))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args", [["demo"], ["refresh", "--git", "{clone}"], ["records", "load"], ["status"]])
def test_dsa_db_in_a_folder_that_cannot_be_made_fails_in_one_line(tmp_path, a_file, clone, args):
    db = a_file / "warehouses" / "warehouse.duckdb"
    done = etl(*(a.format(clone=clone) for a in args), env={"DSA_DB": str(db)})
    line = one_line_failure(done)
    if args == ["status"]:
        assert line.startswith(f"{db}: no warehouse there")
    else:
        assert line == (f"{db}: its folder {db.parent} cannot be made ({a_file} is a file): check --db or DSA_DB")


@pytest.mark.parametrize("variable, value, expected, command", [
    ("DSA_MAX_AGE_HOURS", "abc", "expected a number of hours above 0", ["status"]),
    ("DSA_MAX_AGE_HOURS", "-4", "expected a number of hours above 0", ["export", "--parquet", "{tmp}/export"]),
    ("DSA_MAX_AGE_HOURS", "nan", "expected a number of hours above 0", ["check"]),
    ("DSA_MAX_REMOVED_SHARE", "10%", "expected a share from 0 to 1", ["status"]),
    ("DSA_MAX_REMOVED_SHARE", "1.5", "expected a share from 0 to 1", ["case-study", PROJECT, "--out", "{tmp}/c.html"]),
    ("DSA_SHOW_LOGINS", "maybe", "expected true or false", ["export", "--parquet", "{tmp}/export"]),
])
def test_a_setting_that_cannot_be_used_fails_every_command_in_one_line(demo, tmp_path, variable, value, expected,
                                                                      command):
    args = [a.format(tmp=tmp_path) for a in command] + ([] if command == ["check"] else ["--db", str(demo)])
    line = one_line_failure(etl(*args, env={variable: value}))
    assert line.startswith(f"{variable}={value!r}: {expected}"), line


def test_settings_with_usable_values_are_accepted(demo):
    done = etl("status", "--db", str(demo), env={"DSA_MAX_AGE_HOURS": " 48 ", "DSA_MAX_REMOVED_SHARE": "0",
                                                   "DSA_SHOW_LOGINS": "Off"})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("command", [["status"], ["check"], ["dictionary", "--check"], ["demo"],
                                     ["person-key", "octocat"]])
def test_a_broken_vocabulary_fails_every_command_in_one_line_naming_file_line_and_field(demo, tmp_path, command):
    text = (config.DATA_DIR / "vocabulary.yml").read_text(encoding="utf-8")
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "id: trial" in line)
    broken = tmp_path / "vocabulary.yml"
    trial = text.splitlines()[line_no - 1]
    broken.write_text(text.replace(trial, trial.replace('colour: "#005EB8"', 'colour: "blue"')), encoding="utf-8")
    db = tmp_path / "built.duckdb"
    args = command + (["--db", str(demo if command == ["status"] else db)] if command[0] in ("status", "demo") else [])
    line = one_line_failure(etl(*args, vocabulary=broken))
    assert re.fullmatch(rf"{re.escape(str(broken))}:{line_no}: radar\.rings\[\d+\]\.colour: 'blue' is not a colour "
                        r"\(expected #RRGGBB, e\.g\. #005EB8\)", line), line
    assert not db.exists()
