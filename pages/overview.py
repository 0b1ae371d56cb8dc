"""Overview: how much is happening across the Assembly, and where."""
import streamlit as st

from analyses import metrics
from dashboard import blocks, charts, data, figures, filters
from publish import theme
from publish.text import day, plain

TOP_TEAMS = metrics.TOP_TEAMS  # teams with a row of their own under Activity by team; the rest share one

f = filters.current()
st.title("Overview")
st.caption(plain(f.describe()))

query = data.run_once()  # the measures below read the frames the page has
activity = query("team_activity", **f.params(), top=TOP_TEAMS)
every = activity.iloc[0]  # all the chosen teams together
stages = query("projects_by_stage", date_to=f.period.end, teams=list(f.teams))


def measure(key: str) -> tuple[str, int, str]:
    """A headline measure of the catalogue (analyses.metrics): its name, value and definition."""
    m = metrics.get(key)
    return m.name, int(m.value(query, f.period.start, f.period.end, f.teams)), m.definition


def measure_with_change(key: str) -> tuple:
    """A headline measure, and its change against the period of equal length before (none
    when that period starts before the data): name, value, definition, change."""
    m, before = metrics.get(key), f.before
    now, then = metrics.compared(key, query, f.period.start, f.period.end,
                                 (before.start, before.end) if before else None, f.teams)
    change = (int(then), before.label, f"{day(before.start)} to {day(before.end)}") if before else None
    return m.name, int(now), m.definition, change


# The page is drawn as HTML blocks (dashboard.blocks), headings included, where Streamlit elements
# and Plotly charts would cost the browser several times as much on every visit. The blocks'
# style goes once, with the first of them.
operational_now, ever_operational = measure("operational_now"), measure("ever_operational")
# The teams in the selection are the sidebar's choice: no change to compare.
headlines = [*(measure_with_change(key) for key in ("projects", "active_repositories", "contributors")),
             measure("teams_selected")]
st.html(blocks.STYLE + blocks.figures(headlines, label="Headline figures")
    + blocks.heading("Projects by stage")
    + blocks.stage_bars(stages, label=f"Projects by pathway stage on {day(f.period.end)}")
    + blocks.note(f"Each project once, at its stage on {day(f.period.end)}. {operational_now[0]}: "
                  f"{operational_now[1]:,}; {ever_operational[0].lower()}: {ever_operational[1]:,} "
                  "(the Pathway page's funnel counts every stage a project reached)."))
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

    charts.export_menu(lambda: figures.activity_figure(monthly(), theme.team_colours(data.query("team_list"), f.teams)),
                       key="activity_chart", data=monthly, title="Commits by team per month")

newest = data.query("newest_projects", **f.params(), max_rows=10)
if newest.empty:
    st.html(blocks.heading("Newest projects"))
    st.info("No project started in this period for the chosen teams.")
else:
    link_params = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    st.html(blocks.heading("Newest projects")
            + blocks.newest_projects(newest, link_params=link_params,
                                     label="The newest projects, newest first"))
