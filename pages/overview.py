"""Overview: how much is happening across the Assembly, and where."""
import streamlit as st

from dashboard import blocks, charts, data, figures, filters
from publish import theme
from publish.text import day

TOP_TEAMS = 10  # teams with a row of their own under Activity by team; the rest share one

f = filters.current()
st.title("Overview")
st.caption(f.describe())

activity = data.query("team_activity", **f.params(), top=TOP_TEAMS)
every = activity.iloc[0]  # all the chosen teams together
stages = data.query("projects_by_stage", date_to=f.period.end, teams=list(f.teams))

# The page is drawn as HTML blocks (dashboard.blocks), headings included, where Streamlit elements
# and Plotly charts would cost the browser several times as much on every visit. The blocks'
# style goes once, with the first of them.
st.html(blocks.STYLE + blocks.figures([
    ("Projects", int(stages.projects.sum()), f"started by {day(f.period.end)}, at any stage"),
    ("Active repositories", int(every.repositories), "with at least one commit in the period"),
    ("Contributors", int(every.contributors), "people (not bots) with a commit in the period"),
    ("Teams", len(f.teams) or len(f.team_names), "in the current selection"),
], label="Headline figures")
    + blocks.heading("Projects by stage")
    + blocks.stage_bars(stages, label=f"Projects by pathway stage on {day(f.period.end)}"))
# The Export dialog gives the same bars as a chart (PNG, SVG, HTML) and the table behind them;
# the chart is made only when it opens.
charts.export_menu(lambda: figures.stages_figure(stages), key="stages_chart", data=stages, title="Projects by stage")

if not every.commits:
    st.html(blocks.heading("Activity by team"))
    st.info("No commits in this period for the chosen teams.")
else:
    # A table with a small bar chart per team rather than one stacked chart: it names the ten
    # busiest teams, where the chart had seven colours and a grey "other" that dwarfed them, and
    # the browser draws it in a fraction of the chart's time. The Export dialog gives the stacked
    # chart and its data.
    shared = f"; the {TOP_TEAMS} busiest have a row each, the rest share one. Choose teams in the sidebar to see any of them."
    st.html(blocks.heading("Activity by team")
            + blocks.team_activity(activity, all_label="All selected teams" if f.teams else "All teams",
                                   label=f"Activity by team, {f.period.label}")
            + blocks.note("Commits by people (not bots) to repositories each team owns, busiest teams first"
                          + (shared if len(activity) > TOP_TEAMS + 1 else ".")))

    def monthly():  # the stacked chart's data, queried only when its Export dialog opens
        return data.query("commits_by_team_month", **f.params())

    charts.export_menu(lambda: figures.activity_figure(monthly(), theme.team_colours(data.query("team_list"))),
                       key="activity_chart", data=monthly, title="Commits by team per month")

newest = data.query("newest_projects", **f.params(), max_rows=10)
if newest.empty:
    st.html(blocks.heading("Newest projects"))
    st.info("No project started in this period for the chosen teams.")
else:
    link_params = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    st.html(blocks.heading("Newest projects")
            + blocks.newest_projects(newest.drop(columns=["project_id"]), link_params=link_params,
                                     label="The newest projects, newest first"))
