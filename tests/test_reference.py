"""The Assembly's reference files (data/radar.yml, data/taxonomy.yml): loaded into every build,
checked with errors that name the file and line, and never half-applied."""
from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap

import duckdb
import pytest

from analyses import vocabulary
from etl import warehouse
from etl.reference import radar, taxonomy
from etl.reference.reading import ReferenceError
from tests.conftest import build_tiny, data_tables, runs

GOOD_RADAR = """\
entries:
  - name: pandas
    quadrant: libraries
    match: {pypi: pandas}
    history:
      - {date: 2021-04-01, ring: trial, rationale: Proven on two projects.}
      - date: 2022-01-01
        ring: adopt
        rationale: The standard for tabular data, used by every team.
  - name: SAS
    quadrant: languages
    history:
      - {date: 2021-04-01, ring: hold, rationale: Licence cost.}
"""


def write(tmp_path, text: str, name: str = "radar.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_radar_and_taxonomy_load():
    shipped = radar.rows()
    entries = {e["name"]: e for e in shipped["radar_entries"]}
    assert len(entries) >= 30
    assert {e["ring"] for e in entries.values()} == set(vocabulary.ids(vocabulary.current().rings))
    assert {e["quadrant"] for e in entries.values()} == set(vocabulary.ids(vocabulary.current().quadrants))
    for name, entry in entries.items():
        moves = [m for m in shipped["radar_moves"] if m["name"] == name]
        assert moves[-1]["ring_to"] == entry["ring"] and moves[-1]["moved_on"] == entry["since"]
        assert all(m["rationale"] for m in moves)
    # Rationales written inside {...} with a comma were once cut short; they must be whole.
    assert entries["SQLAlchemy"]["rationale"].endswith("Postgres and Databricks from Python.")
    categories = taxonomy.rows()
    assert len(categories["categories"]) >= 13
    assert len(categories["package_categories"]) >= 600


def test_radar_rows_carry_rings_moves_and_match(tmp_path):
    rows = radar.rows(write(tmp_path, GOOD_RADAR))
    assert rows["radar_entries"] == [
        {"name": "pandas", "quadrant": "libraries", "ring": "adopt", "since": dt.date(2022, 1, 1),
         "rationale": "The standard for tabular data, used by every team.", "match_kind": "pypi", "match_value": "pandas"},
        {"name": "SAS", "quadrant": "languages", "ring": "hold", "since": dt.date(2021, 4, 1),
         "rationale": "Licence cost.", "match_kind": None, "match_value": None},
    ]
    assert [(m["name"], m["ring_from"], m["ring_to"]) for m in rows["radar_moves"]] == [
        ("pandas", None, "trial"), ("pandas", "trial", "adopt"), ("SAS", None, "hold")]


def test_a_comma_that_split_a_rationale_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, GOOD_RADAR.replace("Licence cost.", "Licence cost, closed code."))
    with pytest.raises(ReferenceError) as err:
        radar.rows(path)
    message = str(err.value)
    assert f"{path}:13: SAS: history: 'closed code.' is not a field" in message
    assert "put such text in quotes" in message


def test_every_mistake_in_the_radar_is_reported_at_once(tmp_path):
    path = write(tmp_path, """\
        entries:
          - name: polars
            quadrant: libs
            match: {pip: polars}
            history:
              - {date: 2024-03-01, ring: assess, rationale: Fast.}
              - {date: 2024-01-01, ring: trial, rationale: Faster.}
              - {date: 2025-01-01, ring: adopted, rationale: Fastest.}
              - {date: 2025-13-01, ring: adopt, rationale: Really.}
              - {date: 2026-01-01, ring: adopt}
          - name: polars
            quadrant: libraries
            history:
              - {date: 2024-03-01, ring: assess, rationale: Again.}
          - name: dbt
            quadrant: libraries
    """)
    with pytest.raises(ReferenceError) as err:
        radar.rows(path)
    lines = str(err.value).splitlines()
    assert lines == [
        f"{path}:2: polars: quadrant: 'libs' is not one of languages, libraries, tools, platforms",
        f"{path}:2: polars: match: expected one of pypi, cran, npm, conda, language with a name",
        f"{path}:7: polars: history: date: 2024-01-01 is not after 2024-03-01",
        f"{path}:8: polars: history: ring: 'adopted' is not one of adopt, trial, assess, hold",
        f"{path}:9: polars: history: date: '2025-13-01' is not an ISO date (YYYY-MM-DD)",
        f"{path}:10: polars: history: rationale: every ring needs a reason",
        f"{path}:15: dbt: history: expected a list of dated rings (date, ring, rationale)",
        f"{path}: 'polars' is on the radar more than once",
    ]


def test_taxonomy_mistakes_name_the_package_and_category(tmp_path):
    path = write(tmp_path, """\
        categories:
          - {id: visualisation, label: Visualisation}
          - {id: nlp}
        packages:
          pypi:
            plotly: visualisation
            spacy: nlp
          cran: ggplot2
    """, name="taxonomy.yml")
    with pytest.raises(ReferenceError) as err:
        taxonomy.rows(path)
    assert str(err.value).splitlines() == [
        f"{path}: categories[2]: {{'id': 'nlp'}} needs an id and a label",
        f"{path}: packages.pypi.spacy: 'nlp' is not a category",
        f"{path}: packages.cran: expected `package: category` lines",
    ]


def test_not_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "entries:\n  - name: [unclosed\n")
    with pytest.raises(ReferenceError, match=rf"{path}:3: not valid YAML"):
        radar.rows(path)


def test_every_build_loads_the_reference_files(tmp_path):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    con = duckdb.connect(str(db), read_only=True)
    entries = con.execute("SELECT count(*) FROM radar_entries").fetchone()[0]
    categories = con.execute("SELECT count(*) FROM package_categories").fetchone()[0]
    con.close()
    assert entries == len(radar.rows()["radar_entries"])
    assert categories == len(taxonomy.rows()["package_categories"])


def test_a_broken_radar_stops_the_build_and_leaves_the_warehouse_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    before = data_tables(db)
    broken = write(tmp_path, GOOD_RADAR.replace("ring: hold", "ring: frozen"))
    monkeypatch.setattr(radar, "RADAR", broken)
    with pytest.raises(ReferenceError, match="ring: 'frozen' is not one of"):
        build_tiny(db, team_name="Team B")
    assert data_tables(db) == before
    assert runs(db)[-1][1] == "failed" and "frozen" in runs(db)[-1][2]


def test_a_warehouse_from_an_earlier_version_lists_the_tables_it_lacks(tmp_path):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    assert warehouse.missing_tables(db) == []
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW IF EXISTS package_usage")
    con.execute("DROP TABLE radar_moves")
    con.execute("DROP TABLE package_categories")
    con.close()
    assert warehouse.missing_tables(db) == ["package_categories", "radar_moves"]


def test_the_radar_takes_its_quadrants_and_rings_from_the_vocabulary(tmp_path):
    path = write(tmp_path, "quadrants:\n  - {id: languages, label: Languages}\n" + GOOD_RADAR)
    with pytest.raises(ReferenceError, match=rf"^{path}:2: quadrants: the quadrants are declared in "
                                             r"data/vocabulary.yml \(radar.quadrants\); remove them here$"):
        radar.rows(path)
    words = vocabulary.current()
    without_hold = dataclasses.replace(words, rings=tuple(r for r in words.rings if r.id != "hold"))
    with pytest.raises(ReferenceError) as err:
        radar.rows(write(tmp_path, GOOD_RADAR), without_hold)
    assert str(err.value) == (f"{tmp_path / 'radar.yml'}:13: SAS: history: ring: 'hold' is not one of "
                              "adopt, trial, assess")
