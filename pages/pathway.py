"""Pathway: is R&D reaching operational use? Funnel, conversion, time in stage, stalls, readiness."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analyses import metrics
from dashboard import charts, data, figures, filters
from dashboard.headline import count, during, headline
from publish import theme
from publish.text import day, plain

f = filters.current()
st.title("R&D to operational pathway")

query = data.run_once()  # the measures below read the frames the page has
progress = query("pathway_progress", date_to=f.period.end, teams=list(f.teams))
if progress.empty:
    st.caption(plain(f.describe()))
    st.info("No project of the chosen teams had started by the end of the period.")
    st.stop()


def measure(key: str) -> tuple[metrics.Metric, int]:
    m = metrics.get(key)
    return m, int(m.value(query, f.period.start, f.period.end, f.teams))


(projects, n_projects), (ever, n_ever), (now, n_now), (went, n_went) = (
    measure(k) for k in ("projects", "ever_operational", "operational_now", "went_operational"))
headline(f"{n_ever:,} of the {count(n_projects, 'project')} started by {day(f.period.end)} "
         f"{'has' if n_ever == 1 else 'have'} reached operational use, {n_now:,} of them operational now; "
         f"{f'{n_went:,}' if n_went else 'none'} went operational {during(f.period)}.",
         definitions=[f"{m.name}: {m.definition}" for m in (projects, ever, now, went)])
st.caption(f"{plain(f.describe())} · stages as they stood on {day(f.period.end)}")

stages = query("projects_by_stage", date_to=f.period.end, teams=list(f.teams))
pathway = stages[stages.phase != "closed"].sort_values("ordinal")
reached = [int((progress.reached_ordinal >= o).sum()) for o in pathway.ordinal]

st.subheader("How far projects get", anchor=False)
left, right = st.columns(2)
with left:
    charts.show(figures.funnel_figure(list(pathway.label), reached, list(pathway.stage)), key="funnel_chart",
                data=pd.DataFrame({"stage": list(pathway.label), "projects_reaching_it": reached}), title="Pathway funnel",
                alt="Funnel of projects reaching each pathway stage: " + ", ".join(
                    f"{label} {n}" for label, n in zip(pathway.label, reached)))
with right:
    labels = list(pathway.label)
    conversion = pd.DataFrame({
        "step": [f"{a} → {b}" for a, b in zip(labels[:-1], labels[1:])],
        "went_on": [round(100 * b / a) if a else None for a, b in zip(reached[:-1], reached[1:])],
        "projects": [f"{b:,} of {a:,}" for a, b in zip(reached[:-1], reached[1:])],
    })
    charts.table("Pathway conversion", conversion, hide_index=True, column_config={
        "step": st.column_config.TextColumn("Step", width=190),
        "went_on": st.column_config.NumberColumn("Went on", format="%d%%", width=80,
                                                 help="Of the projects that reached the first stage, the share that "
                                                      "reached the next one or a later one."),
        "projects": st.column_config.TextColumn("Projects", width=90, help="Reached the next stage, of those that "
                                                                           "reached the first.")})
    st.caption("Counts projects that reached each stage or a later one (stages can be skipped). "
               f"{ever.name}: {n_ever:,}, of which {now.name.lower()}: {n_now:,} (the others have since left "
               "that stage).", help=f"{ever.name}: {ever.definition} {now.name}: {now.definition}")

st.subheader("Reached, by lead team and by start year", anchor=False)
by = pd.concat([progress.loc[progress.reached_ordinal >= s.ordinal, ["lead_team", "start_year"]]
                .assign(stage=s.label, ordinal=s.ordinal) for s in pathway.itertuples()], ignore_index=True)
# The year the data ends in is a part year: said so in its name, and drawn hollow.
end = f.period.end
part_year = None if (end.month, end.day) == (12, 31) else f"{end.year} (to {end.day} {end:%b})"
years = by.start_year.astype(str).where(by.start_year != f.period.end.year, part_year or str(f.period.end.year))
by = pd.DataFrame({"stage": by.stage, "ordinal": by.ordinal, "team": by.lead_team, "start_year": years})
colours = theme.team_colours(data.query("team_list"), f.teams)


@charts.cached
def by_start_year_figure(counts: pd.DataFrame, part: str | None) -> go.Figure:
    """figures.reached_by_year_figure with the part year's bars hollow: a copy, as figures from
    the cache are shared."""
    fig = go.Figure(figures.reached_by_year_figure(counts))
    fig.layout.template = None  # written out into the layout already; a copy would take the default again
    for trace in fig.data:
        if part and trace.name == part:
            colour = trace.marker.color
            trace.marker = dict(color="white", line=dict(color=colour, width=1.5),
                                pattern=dict(shape="/", fgcolor=colour, size=6, solidity=0.3))
    return fig


counts = by.groupby(["ordinal", "stage", "team"], as_index=False).size()
charts.show(figures.reached_by_team_figure(counts, colours), key="by_team_chart", data=counts,
            title="Projects reaching each stage by lead team", alt="Projects reaching each stage, stacked by lead team.")
if figures.folded(counts, colours):
    st.caption(figures.FOLDED_NOTE)

# By start year as a table of cohorts: each year's projects and how far they got.
counts = by.groupby(["ordinal", "stage", "start_year"], as_index=False).size()
cohorts = counts.pivot_table(index="start_year", columns="ordinal", values="size", fill_value=0, aggfunc="sum")
cohorts = cohorts.reindex(columns=list(pathway.ordinal), fill_value=0).sort_index(ascending=False)
first, last = pathway.ordinal.iloc[0], pathway.ordinal.iloc[-1]
cohorts.columns = [f"s{o}" for o in cohorts.columns]
cohorts = cohorts.reset_index().assign(share=lambda t: (100 * t[f"s{last}"] / t[f"s{first}"]).round())
charts.table("Projects reaching each stage by start year", cohorts, hide_index=True,
             column_order=["start_year", f"s{first}", "share", *cohorts.columns[2:-1]],
             column_config={
                 "start_year": st.column_config.TextColumn("Started in", width=130),
                 **{f"s{s.ordinal}": st.column_config.NumberColumn(
                     "Projects" if s.ordinal == first else s.label, format="localized",
                     help=None if s.ordinal == first else f"Projects that reached {s.label} or a later stage.")
                    for s in pathway.itertuples()},
                 "share": st.column_config.NumberColumn(f"Reached {pathway.label.iloc[-1].lower()}", format="%d%%",
                                                        help="Share of the year's projects that reached "
                                                             f"{pathway.label.iloc[-1]}.")})
charts.export_menu(lambda: by_start_year_figure(counts, part_year), key="by_year_chart", data=counts,
                   title="Projects reaching each stage by start year")
if part_year and part_year in set(counts.start_year):
    st.caption(f"{part_year}: a part year, so its projects have had less time to move on (hatched on the chart).")

st.subheader("Time spent in each stage", anchor=False)
spells = data.query("stage_durations", date_to=f.period.end, teams=list(f.teams))
done = spells[~spells.is_current]
if done.empty:
    st.caption("No stage has been completed yet.")
else:
    # Hovering a point names its project by its title.
    titles = dict(zip(progress.project_id, progress.title))
    named = done.assign(project_id=done.project_id.map(titles).fillna(done.project_id))
    charts.show(figures.durations_figure(named, list(pathway.label)), key="durations_chart",
                data=named.rename(columns={"project_id": "project"}), title="Time spent in each stage",
                alt="Box plot of days spent in each stage before moving on, one point per project.")
    summary = done.groupby(["ordinal", "label"], as_index=False).days.agg(["count", "median", "max"])
    st.caption(" · ".join(f"{plain(r.label)}: median {r.median:,.0f} days ({count(r.count, 'project')})"
                          for r in summary.itertuples()))

st.subheader("Stalled projects", anchor=False)
months = st.number_input("Stalled after this many months without a stage change or a commit", min_value=1,
                         max_value=36, value=6, step=1, key="stalled_months", bind="query-params")
stalled = data.query("stalled_projects", date_to=f.period.end, teams=list(f.teams), months=int(months))
if stalled.empty:
    st.success(f"No project has been quiet for {months} months or more.")
else:
    st.markdown(f"**{count(len(stalled), 'project')}** quiet for {months} months or more: no stage change and no "
                "commit. Worth a word with their lead teams.")
    charts.table("Stalled projects", stalled.drop(columns=["project_id"]), hide_index=True,
                 column_order=["title", "months_quiet", "stage", "stage_since", "last_commit", "lead_team"],
                 column_config={
                     "title": st.column_config.TextColumn("Project", width="large"),
                     "months_quiet": st.column_config.NumberColumn("Months quiet", format="localized"),
                     "stage": "Stage", "stage_since": st.column_config.DateColumn("At the stage since", format="D MMM YYYY"),
                     "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY",
                                                                    help="A dash: no code recorded."),
                     "lead_team": "Lead team"})

st.subheader("Readiness of pilots for operations", anchor=False)
ready = data.query("pilot_readiness", date_to=f.period.end, teams=list(f.teams))
if ready.empty:
    st.caption("No project is at pilot.")
else:
    checks = ["owner_named", "code_published", "tests_present", "dpia_done", "aia_done", "bus_factor_above_1"]
    ready["ready"] = ready[checks].sum(axis=1).astype(int).astype(str) + f" of {len(checks)}"
    all_done = int((ready[checks].sum(axis=1) == len(checks)).sum())
    st.markdown(f"**{all_done:,} of {count(len(ready), 'pilot')}** pass every check for handing over to operations.")
    charts.table("Pilot readiness", ready.drop(columns=["project_id"]), hide_index=True,
                 column_order=["title", "ready", *checks[:5], "bus_factor", "bus_factor_above_1", "lead_team"],
                 column_config={
                     "title": st.column_config.TextColumn("Project", width="large"),
                     "ready": st.column_config.TextColumn("Checks passed", width=110),
                     "lead_team": "Lead team",
                     "owner_named": st.column_config.CheckboxColumn("Owner named", help="An operational owner is named."),
                     "code_published": st.column_config.CheckboxColumn("Code published"),
                     "tests_present": st.column_config.CheckboxColumn("Tests", help="A test framework among its dependencies."),
                     "dpia_done": st.column_config.CheckboxColumn("DPIA", help="Data protection impact assessment: done, "
                                                                               "or not needed."),
                     "aia_done": st.column_config.CheckboxColumn("AIA", help="Algorithmic impact assessment: done, or "
                                                                             "not needed."),
                     "bus_factor": st.column_config.NumberColumn("Bus factor", format="localized",
                                                                 help="Fewest people making half the commits in the "
                                                                      "last 12 months."),
                     "bus_factor_above_1": st.column_config.CheckboxColumn("More than one key person",
                                                                           help="Bus factor above 1.")})
