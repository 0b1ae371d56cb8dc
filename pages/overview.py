"""Overview: how much is happening across the Assembly, and where."""
import streamlit as st

from dashboard import charts, data, figures, filters, theme

f = filters.current()
st.title("Overview")
st.caption(f.describe())

summary = data.query("activity_summary", **f.params()).iloc[0]
stages = data.query("projects_by_stage", date_to=f.period.end, teams=list(f.teams))

cols = st.columns(4)
cols[0].metric("Projects", int(stages.projects.sum()), help="Projects started by the end of the period, at any stage.")
cols[1].metric("Active repositories", int(summary.active_repositories), help="Repositories with at least one commit in the period.")
cols[2].metric("Contributors", int(summary.contributors), help="People (not bots) with at least one commit in the period.")
cols[3].metric("Teams", len(f.teams) or len(f.team_names), help="Teams in the current selection.")

phase_cols = st.columns(5)
for col, (phase, group) in zip(phase_cols, stages.groupby("phase", sort=False)):
    col.metric(phase if phase == "R&D" else phase.capitalize(), int(group.projects.sum()))


st.subheader("Projects by stage")
charts.show(figures.stages_figure(stages), key="stages_chart", data=stages, title="Projects by stage",
                alt="Horizontal bar chart of projects by pathway stage at the end of the period.")

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
    st.dataframe(
        newest.drop(columns=["project_id"]), hide_index=True,
        column_config={
            "started_on": st.column_config.DateColumn("Started", format="D MMM YYYY"),
            "title": "Project", "summary": "Summary", "lead_team": "Lead team", "stage": "Stage",
            "repositories": st.column_config.NumberColumn("Repos"),
        },
    )
