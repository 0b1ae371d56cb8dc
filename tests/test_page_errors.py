"""Every page fails in one clear error, never an exception: a warehouse of an older schema, files
that are not a readable warehouse, settings that cannot be used, a broken data/vocabulary.yml."""
from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analyses import vocabulary
from etl import config, warehouse
from tests import broken_warehouses
from tests.test_pages import ENTRY, PAGES, fresh_caches  # noqa: F401 (fresh_caches: autouse fixture)


def app(db, monkeypatch, page: str | None = None, **env) -> AppTest:
    monkeypatch.setenv("DSA_DB", str(db))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(ENTRY), default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    return at


def the_error(at: AppTest) -> str:
    """The page's one error, as people read it (Markdown escapes removed), after no exception."""
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    return at.error[0].value.replace("\\", "")


@pytest.fixture(scope="module")
def older(tmp_path_factory):
    return broken_warehouses.older_schema(tmp_path_factory.mktemp("older") / "warehouse.duckdb")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.rsplit("/", 1)[-1])
def test_every_page_of_an_older_schema_warehouse_says_how_to_rebuild_it(older, monkeypatch, page):
    at = app(older, monkeypatch, page)
    assert the_error(at) == (
        f"{older} was built by an older version of Assembly Insights (schema {broken_warehouses.OLDER}, this version "
        f"reads {config.SCHEMA_VERSION}): run `python -m etl refresh --full` (or `python -m etl demo`) to rebuild it")
    assert not at.title  # nothing of the page was drawn from a warehouse it cannot read


def test_an_older_schema_demo_warehouse_is_rebuilt(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db))
    con.execute("ALTER TABLE repositories DROP COLUMN stars")
    con.execute("UPDATE warehouse_meta SET value = ? WHERE key = 'schema_version'", [broken_warehouses.OLDER])
    con.close()
    at = app(demo_db, monkeypatch, str(config.ROOT / "pages" / "repositories.py"))
    assert not at.exception and not at.error
    assert warehouse.examine(demo_db)["schema_version"] == config.SCHEMA_VERSION
    assert len(at.dataframe[0].value) > 0


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.rsplit("/", 1)[-1])
def test_every_page_with_a_bad_dsa_max_age_hours_names_the_setting_once(demo_db, monkeypatch, page):
    at = app(demo_db, monkeypatch, page, DSA_MAX_AGE_HOURS="abc")
    assert the_error(at) == "DSA_MAX_AGE_HOURS='abc': expected a number of hours above 0, e.g. 26; unset, it is 26"


@pytest.mark.parametrize("variable, value", [("DSA_MAX_REMOVED_SHARE", "lots"), ("DSA_SHOW_LOGINS", "perhaps")])
def test_other_settings_that_cannot_be_used_are_named(demo_db, monkeypatch, variable, value):
    assert the_error(app(demo_db, monkeypatch, **{variable: value})).startswith(f"{variable}={value!r}: expected ")


@pytest.mark.parametrize("kind, says", [
    ("empty", "{db} is an empty file, not a warehouse"),
    ("text", "{db} is not a DuckDB database, so not a warehouse: check --db or DSA_DB"),
    ("truncated", "{db} cannot be read, the file is damaged or incomplete (IO Error: "),
    ("folder", "{db} is a folder, not a warehouse file"),
])
def test_what_is_not_a_readable_warehouse_is_one_error(tmp_path, monkeypatch, kind, says):
    db = broken_warehouses.make(kind, tmp_path / "w.duckdb")
    assert the_error(app(db, monkeypatch)).startswith(says.format(db=db))


def test_dsa_db_in_a_folder_that_cannot_be_made_is_one_error(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("keep me\n")
    db = tmp_path / "notes.txt" / "warehouse.duckdb"
    assert the_error(app(db, monkeypatch)) == (f"{db}: its folder {db.parent} cannot be made ({db.parent} is a "
                                               "file): check --db or DSA_DB")


def test_damage_a_page_meets_is_one_error(tmp_path, monkeypatch):
    """Damage that opening the file does not reach: DuckDB reads a block when a query needs it."""
    db = broken_warehouses.damaged_beyond_its_catalogue(tmp_path / "w.duckdb")
    at = app(db, monkeypatch)
    assert the_error(at).startswith(f"{db} cannot be read, the file is damaged or incomplete (Corrupt database file: ")
    assert at.title  # the frame read what it needed; the page met the damage


@pytest.fixture
def broken_vocabulary(tmp_path, monkeypatch):
    """data/vocabulary.yml with a stage's colour mistyped; the line of the mistake."""
    text = (config.DATA_DIR / "vocabulary.yml").read_text(encoding="utf-8")
    line_no, line = next((i, line) for i, line in enumerate(text.splitlines(), 1) if "id: trial" in line)
    broken = tmp_path / "vocabulary.yml"
    broken.write_text(text.replace(line, line.replace('colour: "#005EB8"', 'colour: "blue"')), encoding="utf-8")
    monkeypatch.setattr(vocabulary, "FILE", broken)
    vocabulary.current.cache_clear()
    yield broken, line_no
    monkeypatch.undo()
    vocabulary.current.cache_clear()


def test_a_broken_vocabulary_is_one_error_naming_file_line_and_field(demo_db, monkeypatch, broken_vocabulary):
    broken, line_no = broken_vocabulary
    message = the_error(app(demo_db, monkeypatch))
    assert message.startswith(f"{broken}:{line_no}: radar.rings[") and message.endswith(
        "].colour: 'blue' is not a colour (expected #RRGGBB, e.g. #005EB8)"), message
