"""The NHS-scale warehouse (`python -m etl demo --scale nhs`): its size, its consistency, and
the dashboard over it, with many teams folded into "Other teams" on team charts."""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import figures
from etl import config, nhs_scale, warehouse


@pytest.fixture(scope="module")
def nhs_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("nhs") / "warehouse.duckdb"
    done = subprocess.run([sys.executable, "-m", "etl", "demo", "--scale", "nhs", "--db", str(path)],
                          cwd=config.ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1,000,000 commits" in done.stderr
    return path


def test_the_warehouse_has_nhs_scale_and_is_consistent(nhs_db):
    con = duckdb.connect(str(nhs_db), read_only=True)
    count = lambda table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("repositories") >= 5000 and count("commits") >= 1_000_000 and count("projects") >= 500
    assert count("people WHERE NOT is_bot") >= 3000 and count("teams") >= 40
    assert dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())["demo_scale"] == "nhs"
    # Every commit counts once per author in contributions unless its author is a bot.
    humans = con.execute("SELECT count(*) FROM commits JOIN people USING (person_key) WHERE NOT is_bot").fetchone()[0]
    assert con.execute("SELECT count(*) FROM contributions WHERE role = 'author'").fetchone()[0] == humans
    assert count("team_links_yearly") > 0 and count("team_activity_yearly") > 0
    con.close()
    con = warehouse.open_read_only(nhs_db)
    assert warehouse.check_integrity(con) == []
    con.close()


def test_the_same_seed_gives_the_same_rows():
    first = next(t for t in nhs_scale.generate(7) if t[0] == "repositories")[1][:50]
    again = next(t for t in nhs_scale.generate(7) if t[0] == "repositories")[1][:50]
    assert first == again


def test_overview_folds_forty_teams_into_seven_and_other(nhs_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("DSA_DB", str(nhs_db))
    at = AppTest.from_file(str(config.ROOT / "tests" / "app_entry.py"), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    activity = json.loads(at.get("plotly_chart")[0].proto.spec)  # the Overview's one Plotly chart
    names = [trace["name"] for trace in activity["data"]]
    assert len(names) == 8 and names[-1] == figures.OTHER_TEAMS
    assert any(figures.OTHER_TEAMS in c.value for c in at.caption)
    st.cache_data.clear()
    st.cache_resource.clear()
