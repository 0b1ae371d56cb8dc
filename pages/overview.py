"""Overview: how much is happening across the Assembly, and where."""
import streamlit as st

from dashboard import blocks, charts, data, figures, filters, theme
from dashboard.text import day

f = filters.current()
st.title("Overview")
st.caption(f.describe())

summary = data.query("activity_summary", **f.params()).iloc[0]
stages = data.query("projects_by_stage", date_to=f.period.end, teams=list(f.teams))

st.html(blocks.STYLE + blocks.figures([  # the blocks' style, once for the page
    ("Projects", int(stages.projects.sum()), f"started by {day(f.period.end)}, at any stage"),
    ("Active repositories", int(summary.active_repositories), "with at least one commit in the period"),
    ("Contributors", int(summary.contributors), "people (not bots) with a commit in the period"),
    ("Teams", len(f.teams) or len(f.team_names), "in the current selection"),
], label="Headline figures"))

st.subheader("Projects by stage")
# Plain HTML rather than a chart: it costs the browser a fraction as much (dashboard.blocks). The
# Export menu still gives the same bars as a chart (PNG, SVG, HTML) and the table behind them.
st.html(blocks.stage_bars(stages, label=f"Projects by pathway stage on {day(f.period.end)}"))
charts.export_menu(figures.stages_figure(stages), key="stages_chart", data=stages, title="Projects by stage")

st.subheader("Activity by team")
monthly = data.query("commits_by_team_month", **f.params())
if monthly.empty:
    st.info("No commits in this period for the chosen teams.")
else:
    colours = theme.team_colours(data.query("team_list"))
    charts.show(figures.activity_figure(monthly, colours), key="activity_chart", data=monthly, title="Commits by team per month",
                    alt="Stacked bar chart of commits per month, one colour per team owning the repositories.")
    st.caption("Commits by people (not bots) to repositories each team owns, per month."
               + (" " + figures.FOLDED_NOTE if figures.folded(monthly) else ""))

st.subheader("Newest projects")
newest = data.query("newest_projects", **f.params(), max_rows=10)
if newest.empty:
    st.info("No project started in this period for the chosen teams.")
else:
    link_params = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    st.html(blocks.newest_projects(newest.drop(columns=["project_id"]), link_params=link_params,
                                   label="The newest projects, newest first"))
