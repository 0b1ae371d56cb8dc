"""Pathway: is R&D reaching operational use? Funnel, conversion, time in stage, stalls, readiness."""
import pandas as pd
import streamlit as st

from analyses import metrics
from dashboard import charts, data, figures, filters
from publish import theme
from publish.text import plain

f = filters.current()
st.title("R&D to operational pathway")
st.caption(f"{plain(f.describe())} · stages as they stood on {f.period.end:%d %b %Y}")

query = data.run_once()  # the measures below read the frames the page has
progress = query("pathway_progress", date_to=f.period.end, teams=list(f.teams))
if progress.empty:
    st.info("No project of the chosen teams had started by the end of the period.")
    st.stop()

stages = query("projects_by_stage", date_to=f.period.end, teams=list(f.teams))
pathway = stages[stages.phase != "closed"].sort_values("ordinal")
reached = [int((progress.reached_ordinal >= o).sum()) for o in pathway.ordinal]

st.subheader("How far projects get", anchor=False)
left, right = st.columns([3, 2])
with left:
    charts.show(figures.funnel_figure(list(pathway.label), reached, list(pathway.stage)), key="funnel_chart", data=pd.DataFrame({"stage": list(pathway.label), "projects_reaching_it": reached}), title="Pathway funnel",
                    alt="Funnel of projects reaching each pathway stage: " + ", ".join(
                        f"{label} {n}" for label, n in zip(pathway.label, reached)))
with right:
    conversion = pd.DataFrame({
        "from": list(pathway.label[:-1]), "to": list(pathway.label[1:]),
        "reached": reached[:-1], "went on": reached[1:],
    })
    conversion["conversion"] = (conversion["went on"] / conversion["reached"].where(conversion["reached"] > 0)).round(3)
    charts.table("Pathway conversion", conversion, hide_index=True, column_config={
        "from": "From", "to": "To", "reached": "Reached 'from'", "went on": "Reached 'to'",
        "conversion": st.column_config.ProgressColumn("Conversion", format="percent", min_value=0, max_value=1)})
    ever, now = metrics.get("ever_operational"), metrics.get("operational_now")
    st.caption(f"Counts projects that reached each stage or a later one (stages can be skipped). "
               f"{ever.name}: {ever.shown(ever.value(query, f.period.start, f.period.end, f.teams))}, "
               f"of which {now.name.lower()}: {now.shown(now.value(query, f.period.start, f.period.end, f.teams))} "
               "(the others have since left that stage).", help=f"{ever.name}: {ever.definition} {now.name}: {now.definition}")

st.subheader("Reached, by lead team and by start year", anchor=False)
by = pd.concat([progress.loc[progress.reached_ordinal >= s.ordinal, ["lead_team", "start_year"]]
                .assign(stage=s.label, ordinal=s.ordinal) for s in pathway.itertuples()], ignore_index=True)
by = pd.DataFrame({"stage": by.stage, "ordinal": by.ordinal, "team": by.lead_team, "start_year": by.start_year.astype(str)})
colours = theme.team_colours(data.query("team_list"), f.teams)
left, right = st.columns(2)
with left:
    counts = by.groupby(["ordinal", "stage", "team"], as_index=False).size()
    charts.show(figures.reached_by_team_figure(counts, colours), key="by_team_chart", data=counts, title="Projects reaching each stage by lead team", alt="Projects reaching each stage, stacked by lead team.")
    if figures.folded(counts, colours):
        st.caption(figures.FOLDED_NOTE)
with right:
    counts = by.groupby(["ordinal", "stage", "start_year"], as_index=False).size()
    charts.show(figures.reached_by_year_figure(counts), key="by_year_chart", data=counts, title="Projects reaching each stage by start year", alt="Projects reaching each stage, grouped by start year.")

st.subheader("Time spent in each stage", anchor=False)
spells = data.query("stage_durations", date_to=f.period.end, teams=list(f.teams))
done = spells[~spells.is_current]
if done.empty:
    st.caption("No stage has been completed yet.")
else:
    charts.show(figures.durations_figure(done, list(pathway.label)), key="durations_chart", data=done, title="Time spent in each stage",
                    alt="Box plot of days spent in each stage before moving on, one point per project.")
    summary = done.groupby(["ordinal", "label"], as_index=False).days.agg(["count", "median", "max"])
    st.caption(" · ".join(f"{plain(r.label)}: median {r.median:.0f} days ({r.count} projects)" for r in summary.itertuples()))

st.subheader("Stalled projects", anchor=False)
months = st.number_input("Stalled after this many months without a stage change or a commit", min_value=1,
                         max_value=36, value=6, step=1, key="stalled_months", bind="query-params")
stalled = data.query("stalled_projects", date_to=f.period.end, teams=list(f.teams), months=int(months))
if stalled.empty:
    st.success(f"No project has been quiet for {months} months or more.")
else:
    charts.table("Stalled projects", stalled.drop(columns=["project_id"]), hide_index=True, column_config={
        "title": "Project", "lead_team": "Lead team", "stage": "Stage",
        "stage_since": st.column_config.DateColumn("Stage since", format="D MMM YYYY"),
        "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY"),
        "months_quiet": st.column_config.NumberColumn("Months quiet")})

st.subheader("Readiness of pilots for operations", anchor=False)
ready = data.query("pilot_readiness", date_to=f.period.end, teams=list(f.teams))
if ready.empty:
    st.caption("No project is at pilot.")
else:
    checks = ["owner_named", "code_published", "tests_present", "dpia_done", "aia_done", "bus_factor_above_1"]
    ready["ready"] = ready[checks].sum(axis=1).astype(str) + f" of {len(checks)}"
    charts.table("Pilot readiness", ready.drop(columns=["project_id"]), hide_index=True, column_config={
        "title": "Project", "lead_team": "Lead team",
        "owner_named": st.column_config.CheckboxColumn("Owner named"),
        "code_published": st.column_config.CheckboxColumn("Code published"),
        "tests_present": st.column_config.CheckboxColumn("Tests", help="A test framework among its dependencies."),
        "dpia_done": st.column_config.CheckboxColumn("DPIA", help="Done, or not needed."),
        "aia_done": st.column_config.CheckboxColumn("AIA", help="Done, or not needed."),
        "bus_factor": st.column_config.NumberColumn("Bus factor", help="Fewest people making half the commits "
                                                                       "in the last 12 months."),
        "bus_factor_above_1": st.column_config.CheckboxColumn("Bus factor > 1"),
        "ready": "Checks passed"})
