"""Results stored by a build are used only while the query that made them is unchanged: edit a
query file and the page shows what the edited query gives, for a stored period, without a
rebuild."""
from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from analyses import queries, stored
from dashboard import data
from etl import warehouse
from tests.test_pages import app, fresh_caches, page  # noqa: F401 (fresh_caches is a fixture)


@pytest.fixture
def query_folder(tmp_path, monkeypatch):
    """A copy of the query files that a test may edit; the product reads it instead of its own."""
    folder = tmp_path / "queries"
    shutil.copytree(queries.FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(queries, "FOLDER", folder)
    return folder


def edit(folder, name: str, old: str, new: str) -> None:
    path = folder / f"{name}.sql"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def cross_team_repositories(at) -> str:
    return {m.label: m.value for m in at.metric}["Cross-team repositories"]


def test_an_edited_query_shows_on_the_page_for_a_stored_period(demo_db, monkeypatch, query_folder):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("collaboration.py")).run()
    assert not at.exception
    before = int(cross_team_repositories(at))
    assert before > 1

    edit(query_folder, "cross_team_repositories", "p.people_from_outside DESC, p.full_name;",
         "p.people_from_outside DESC, p.full_name LIMIT 1;")  # now the first repository only
    at = app(demo_db, monkeypatch)  # a new visit to the same server process: caches are as they were
    at.switch_page(page("collaboration.py")).run()
    assert not at.exception
    assert cross_team_repositories(at) == "1"


def test_stored_results_are_read_only_while_their_query_is_unchanged(demo_db, query_folder):
    con = warehouse.open_read_only(demo_db)
    cur = warehouse.cursor(con)
    status = queries.run(cur, "data_status").iloc[0]
    end = status.data_as_of.date()
    start = end.replace(year=end.year - 1) + dt.timedelta(days=1)  # the last 12 months, a stored period
    assert stored.is_current(cur, "collab_links")
    assert stored.read(cur, "collab_links", start, end) is not None
    edit(query_folder, "collab_links", "count(DISTINCT person_key) AS weight", "count(DISTINCT person_key) * 1000 AS weight")
    assert not stored.is_current(cur, "collab_links")
    assert stored.read(cur, "collab_links", start, end) is None
    assert stored.is_current(cur, "collab_flows")  # the other queries' results still serve
    con.close()


def test_yearly_trends_follow_an_edited_query(demo_db, monkeypatch, query_folder):
    """The yearly tables behind the network trend are used while collab_links is unchanged; after
    an edit the dashboard runs it for each year instead."""
    monkeypatch.setenv("DSA_DB", str(demo_db))
    from analyses import periods

    years = [p for p in periods.available(dt.date(2016, 4, 1), dt.date(2026, 9, 30)) if p.key.startswith("fy-")]
    before = data.yearly("collab_links", years, teams=[])
    edit(query_folder, "collab_links", "count(DISTINCT person_key) AS weight", "count(DISTINCT person_key) * 1000 AS weight")
    after = data.yearly("collab_links", years, teams=[])
    key = ["year_start", "link", "team_a_id", "team_b_id"]
    merged = before.merge(after, on=key, suffixes=("_before", "_after"))
    people = merged[merged.link == "people"]
    assert len(people) > 10 and (people.weight_after == people.weight_before * 1000).all()
    assert pd.api.types.is_integer_dtype(after.weight)
