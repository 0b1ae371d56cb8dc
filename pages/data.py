"""Data: for operators. Is the data current and complete? Run history, each source's status,
data-quality checks, and a refresh for those allowed to start one."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import access, charts, data, filters, operations
from dashboard.headline import count
from etl import config
from etl.shared import redaction
from publish.text import day, plain

f = filters.current()
st.title("Data and refreshes")
path = data.warehouse_file()
problems = data.freshness_problems()
if problems:
    st.error(" ".join(f"{plain(p)}." for p in problems), icon=":material/error:")
else:
    st.success(f"The last run succeeded. Live data older than {config.max_age_hours():g} hours raises a warning on "
               "every page (DSA_MAX_AGE_HOURS).", icon=":material/check_circle:")

st.subheader("Refresh", anchor=False)
if not access.current().may_refresh:
    st.caption("Refreshes run on the schedule (see the README). Operators (the operator role when sign-in is on, "
               "else those named in DSA_REFRESH_USERS) can also start one here.")
else:
    pid = operations.running(path)
    if st.button("Refresh now", icon=":material/refresh:", disabled=pid is not None, key="refresh_now",
                 help="Runs `python -m etl refresh` in the background. Viewers keep the current data until the new "
                      "warehouse is complete, then see it on their next page load."):
        try:
            operations.start(path)
            st.toast("Refresh started")
        except operations.AlreadyRunning as exc:
            st.warning(str(exc))

    @st.fragment(run_every="2s")
    def follow():
        state = operations.progress(path)
        active = operations.running(path) is not None
        if not state["lines"] and not active:
            return
        if active:
            share = state["done"] / state["total"] if state["total"] else 0.0
            st.progress(share, text=f"Refreshing: {state['done']} of {state['total'] or '?'} repositories fetched")
        elif state["exit_code"] is not None:
            meaning = {0: "succeeded", 2: "failed, nothing changed", 3: "finished partly"}.get(
                state["exit_code"], f"ended with exit code {state['exit_code']}")
            (st.success if state["exit_code"] == 0 else st.warning)(
                f"The last refresh started here {meaning}. Reload the page to see new data.")
        with st.expander("Log of the last refresh started here", expanded=active):
            st.code(redaction.redact("\n".join(state["lines"])) or "(empty)", language=None)

    follow()

OUTCOMES = {"succeeded": "#007F3B", "partial": "#FFB81C", "failed": "#D5281B"}
WHEN = "D MMM YYYY, HH:mm"
MAX_RUNS = 200
RUNS_SCOPE = f"Every source, the latest {MAX_RUNS} runs"  # the run history is not narrowed by the sidebar

st.subheader("Sources", anchor=False)
sources = data.redacted(data.query("source_status"))
sources["last_status"] = sources.last_status.str.capitalize()
charts.table("Sources", sources, scope="Every source", hide_index=True, column_config={
    "source": "Source", "last_status": "Last run", "last_run": st.column_config.DatetimeColumn("Finished", format=WHEN),
    "last_success": st.column_config.DatetimeColumn("Last success", format=WHEN),
    "runs": st.column_config.NumberColumn("Runs", format="localized"),
    "failed": st.column_config.NumberColumn("Failed", format="localized"),
    "partial": st.column_config.NumberColumn("Partial", format="localized"),
    "last_message": st.column_config.TextColumn("Last message", width="large")})


@charts.cached
def runs_figure(history: pd.DataFrame) -> go.Figure:
    """Each run as a point, by when it started and how long it took, coloured by its outcome.
    Dates read as days whether there is one run or hundreds: at least a week is shown, ticks a
    day apart at the least."""
    several_sources = history.source.nunique() > 1
    fig = go.Figure()
    for status, colour in OUTCOMES.items():
        part = history[history.status == status]
        if part.empty:
            continue
        fig.add_scatter(x=part.started_at, y=part.seconds, mode="markers", name=status.capitalize(),
                        marker=dict(color=colour, size=10, line=dict(color="white", width=1),
                                    symbol=[["circle", "square", "diamond", "triangle-up"][i % 4] for i in
                                            part.source.map({s: i for i, s in enumerate(sorted(history.source.unique()))})]
                                    if several_sources else "circle"),
                        customdata=part[["source", "commits_added"]].fillna(0).to_numpy(),
                        hovertemplate="%{x|%-d %b %Y, %H:%M}<br>%{customdata[0]}: %{y:,.1f} seconds"
                                      "<br>%{customdata[1]:,} commits added<extra>%{fullData.name}</extra>")
    first, last = history.started_at.min(), history.started_at.max()
    if last - first < pd.Timedelta(days=7):
        middle = first + (last - first) / 2
        fig.update_xaxes(range=[middle - pd.Timedelta(days=3.5), middle + pd.Timedelta(days=3.5)], dtick=86_400_000)
    fig.update_xaxes(type="date", tickformat="%-d %b<br>%Y", title_text="")
    fig.update_yaxes(title_text="Duration (seconds)", rangemode="tozero", tickformat=",")
    fig.update_layout(height=240, showlegend=True, legend_title_text="Outcome", margin=dict(t=10))
    return fig


st.subheader("Run history", anchor=False)
history = data.redacted(data.query("run_history", max_runs=MAX_RUNS))
if history.empty:
    st.caption("No run yet.")
else:
    last = history.iloc[0]
    st.markdown(f"**{count(len(history), 'run')}** recorded"
                + (f" (the latest {len(history):,})" if len(history) == MAX_RUNS else "")
                + f"; {'it' if len(history) == 1 else 'the last'} "
                  f"{'succeeded' if last.status == 'succeeded' else 'was ' + str(last.status)}, "
                  f"on {day(last.started_at)} at {last.started_at:%H:%M}, in {last.seconds:,.1f} seconds.")
    shown = history.assign(status=history.status.str.capitalize())
    charts.table("Run history", shown, scope=RUNS_SCOPE, hide_index=True, placeholder="",  # runs from before a count was kept
                 height=min(388, 35 * (len(shown) + 1) + 3),
                 column_order=["started_at", "status", "source", "message", "seconds", "commits_added", "repos_seen",
                               "repos_changed", "repos_kept", "repos_skipped", "repos_removed", "api_requests",
                               "rate_limit_remaining", "data_as_of"],
                 column_config={
        "started_at": st.column_config.DatetimeColumn("Started", format=WHEN), "source": "Source",
        "status": "Outcome", "message": st.column_config.TextColumn("Message", width="medium"),
        "seconds": st.column_config.NumberColumn("Seconds", format="%.1f"),
        "repos_seen": st.column_config.NumberColumn("Repositories", format="localized"),
        "repos_changed": st.column_config.NumberColumn("Changed", format="localized"),
        "commits_added": st.column_config.NumberColumn("Commits added", format="localized"),
        "repos_kept": st.column_config.NumberColumn("Kept", format="localized",
                                                    help="Not refreshed: earlier data kept, fetched again next run"),
        "repos_skipped": st.column_config.NumberColumn("Skipped", format="localized",
                                                       help="Found or asked for, but not loaded"),
        "repos_removed": st.column_config.NumberColumn("Removed", format="localized",
                                                       help="Removed from the warehouse: gone at the source"),
        "api_requests": st.column_config.NumberColumn("API requests", format="localized"),
        "rate_limit_remaining": st.column_config.NumberColumn("Rate limit left", format="localized"),
        "data_as_of": st.column_config.DatetimeColumn("Data as of", format=WHEN)})
    charts.show(runs_figure(history), key="runs_chart", data=history, title="ETL runs", scope=RUNS_SCOPE,
                alt="Each ETL run by start time and duration, coloured by outcome.")
    st.caption("Blank cells: runs from before the dashboard kept that count, or sources that do not make API requests.")

st.subheader("Data-quality checks", anchor=False)
quality = data.redacted(data.query("data_quality", as_of=f.period.end, months=6))
checks = ["Repositories mapped to no team", "Projects without repositories", "Projects gone stale",
          "People without a team membership", "Identities that look like one person", "Files that could not be read",
          "Repositories that could not be fetched", "Repositories not refreshed (earlier data kept)",
          "Repositories or organisations not loaded", "Clones not loaded", "Clones with part of their history",
          "Records with warnings"]
counts = quality.groupby("check").size()
charts.table("Data-quality checks", pd.DataFrame({"Check": checks, "Findings": [int(counts.get(c, 0)) for c in checks]}),
             hide_index=True, height=35 * (len(checks) + 1) + 3,  # every check on screen, none behind a scroll bar
             column_config={"Check": st.column_config.TextColumn("Check", width="large"),
                            "Findings": st.column_config.NumberColumn("Findings", format="localized")})
for check in checks:
    found = quality[quality.check == check]
    if len(found):
        with st.expander(f"{check} ({len(found):,})"):
            charts.table(check, found.drop(columns=["check"]), hide_index=True,
                         column_config={"subject": "Concerns", "detail": st.column_config.TextColumn("Detail", width="large")})
st.caption("People are listed by pseudonymous key; add their GitHub login to a team's members in data/teams.yml "
           "(or an alias) to attribute their work. Stale: no stage change and no commit for 6 months.")
