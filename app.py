"""Assembly Insights: the frame of the dashboard.

Page config, the warehouse check, the shared filters, the "data as of" line and the
navigation. Each page under pages/ answers one question and reads the filters from
dashboard.filters.current().
"""
from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from analyses import periods
from dashboard import access, identity
from etl import config
from etl.config import ROOT
from publish.text import plain

# The icon is served by the app itself: a Material icon would be fetched from Google on every visit.
st.set_page_config(page_title="Assembly Insights", page_icon=str(ROOT / "dashboard" / "assets" / "favicon.svg"), layout="wide")
band = st.container(key="ai_band").empty()  # the product's name in an NHS-blue band
band.html(identity.band(demo=False))
access.gate()  # with sign-in on: signed-out people are asked to sign in, unknown ones refused

problems = config.startup_problems()  # a broken data/vocabulary.yml, or a setting that cannot be used
if problems:
    st.error("  \n".join(plain(p) for p in problems))
    st.stop()

# These read data/vocabulary.yml when first imported: only once it is known to be good.
from dashboard import data, filters  # noqa: E402
from etl import warehouse  # noqa: E402
from publish import theme  # noqa: E402

theme.register()

path = data.warehouse_file()
try:
    if not path.exists():
        with st.spinner("No warehouse yet: building the demo warehouse (a few seconds)..."):
            data.ensure_warehouse(path)
    unreadable = data.unreadable(path)
    if unreadable and unreadable.kind == "other_schema" and unreadable.meta.get("contents") == "demo":
        with st.spinner("The demo warehouse was built by another version: rebuilding it (a few seconds)..."):
            data.rebuild_demo(path)
        unreadable = data.unreadable(path)
except warehouse.WarehouseError as exc:  # e.g. DSA_DB in a folder that cannot be made
    unreadable = exc
if unreadable:
    st.error(plain(str(unreadable)))
    st.stop()

try:
    missing = data.missing_tables(path)
    if missing and warehouse.live_meta(path).get("contents") == "demo":
        with st.spinner("The demo warehouse was built by an earlier version: rebuilding it (a few seconds)..."):
            data.rebuild_demo(path)
        missing = data.missing_tables(path)
    if missing:
        st.error(f"The warehouse at `{path}` was built by an earlier version of Assembly Insights and lacks "
                 f"{', '.join(missing)}. Run `python -m etl refresh` (or `python -m etl records load`): "
                 "the new build adds them and keeps your data.")
        st.stop()
    status = data.query("data_status")
    teams = data.query("team_list")
    team_names = data.query("team_names")  # earlier names too, for links made before a rename
except duckdb.Error as exc:
    if warehouse.is_damage(exc):
        st.error(plain(str(warehouse.damaged(path, exc))))
        st.stop()
    st.error(f"The warehouse at `{path}` could not be read: {plain(exc)}\n\n"
             "Rebuild it with `python -m etl demo`, or point `DSA_DB` at a warehouse built by this version.")
    st.stop()
if status.empty:
    st.error(f"The warehouse at `{path}` holds no successful ETL run. Build one with `python -m etl demo`.")
    st.stop()

latest = status.iloc[0]
if latest.contents == "demo":
    band.html(identity.band(demo=True))
as_of = latest.data_as_of.date()
first_day = as_of if pd.isna(latest.first_commit_at) else latest.first_commit_at.date()
current = filters.sidebar(teams, periods.available(first_day, as_of), team_names)

with st.sidebar:
    st.caption(f"Data as of **{latest.data_as_of:%d %b %Y %H:%M}** UTC "
               f"({plain(latest.source)}, built {latest.finished_at:%d %b %Y %H:%M:%S})")

warnings = data.freshness_problems()
if warnings:
    st.warning("**Check before relying on these figures.** " + " ".join(f"{plain(w)}." for w in warnings)
               + " The Data page has the run history.", icon=":material/schedule:")

if latest.contents == "demo":  # marked in the band too, on every page
    with st.sidebar:
        st.info("**Demo data.** These teams' projects, repositories and commits are synthetic, made to show "
                "what the dashboard does; people are pseudonymous. To load real data, see *Loading real data* "
                "in the README.", icon=":material/science:")

navigation = st.navigation(filters.pages())
filters.framed()  # the first run of a fresh server runs again, so the filters keep their ids
filters.show_notices(("team", "period"), navigation.url_path)  # a link naming a team or period the data lacks
try:
    navigation.run()
except duckdb.Error as exc:
    if not warehouse.is_damage(exc):
        raise
    st.error(plain(str(warehouse.damaged(path, exc))))  # damage the first look did not reach
