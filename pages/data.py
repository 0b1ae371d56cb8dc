"""Data: for operators. Is the data current and complete? Run history, each source's status,
data-quality checks, and a refresh for those allowed to start one."""
import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import access, charts, data, filters, operations
from etl import config
from etl.shared import redaction
from publish.text import plain

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

st.subheader("Sources", anchor=False)
sources = data.redacted(data.query("source_status"))
charts.table("Sources", sources, scope="Every source", hide_index=True, column_config={
    "source": "Source", "last_status": "Last run", "last_run": st.column_config.DatetimeColumn("Finished", format="D MMM YYYY HH:mm"),
    "last_success": st.column_config.DatetimeColumn("Last success", format="D MMM YYYY HH:mm"),
    "runs": "Runs", "failed": "Failed", "partial": "Partial", "last_message": "Last message"})

st.subheader("Run history", anchor=False)
history = data.redacted(data.query("run_history", max_runs=200))
if not history.empty:
    fig = px.scatter(history, x="started_at", y="seconds", color="status", symbol="source",
                     color_discrete_map={"succeeded": "#007F3B", "partial": "#FFB81C", "failed": "#D5281B"},
                     hover_data=["commits_added", "api_requests", "message"],
                     labels={"started_at": "", "seconds": "Duration (s)", "status": "Outcome", "source": "Source"})
    fig.update_traces(marker=dict(size=11))
    fig.update_layout(height=300)
    charts.show(fig, key="runs_chart", data=history, title="ETL runs", scope="Every source, the latest 200 runs",
                alt="Each ETL run by start time and duration, coloured by outcome.")
charts.table("Run history", history, scope="Every source, the latest 200 runs", hide_index=True, column_config={
    "started_at": st.column_config.DatetimeColumn("Started", format="D MMM YYYY HH:mm:ss"), "source": "Source",
    "status": "Outcome", "seconds": st.column_config.NumberColumn("Seconds", format="%.1f"),
    "repos_seen": "Repositories", "repos_changed": "Changed", "commits_added": "Commits added",
    "repos_kept": st.column_config.NumberColumn("Kept", help="Not refreshed: earlier data kept, fetched again next run"),
    "repos_skipped": st.column_config.NumberColumn("Skipped", help="Found or asked for, but not loaded"),
    "repos_removed": st.column_config.NumberColumn("Removed", help="Removed from the warehouse: gone at the source"),
    "api_requests": "API requests", "rate_limit_remaining": "Rate limit left",
    "data_as_of": st.column_config.DatetimeColumn("Data as of", format="D MMM YYYY HH:mm"),
    "message": st.column_config.TextColumn("Message", width="large")})

st.subheader("Data-quality checks", anchor=False)
quality = data.redacted(data.query("data_quality", as_of=f.period.end, months=6))
checks = ["Repositories mapped to no team", "Projects without repositories", "Projects gone stale",
          "People without a team membership", "Identities that look like one person", "Files that could not be read",
          "Repositories that could not be fetched", "Repositories not refreshed (earlier data kept)",
          "Repositories or organisations not loaded", "Clones not loaded", "Clones with part of their history",
          "Records with warnings"]
counts = quality.groupby("check").size()
charts.table("Data-quality checks", pd.DataFrame({"Check": checks, "Findings": [int(counts.get(c, 0)) for c in checks]}), hide_index=True,
             height=35 * (len(checks) + 1) + 3)  # every check on screen, none behind a scroll bar
for check in checks:
    found = quality[quality.check == check]
    if len(found):
        with st.expander(f"{check} ({len(found)})"):
            charts.table(check, found.drop(columns=["check"]), hide_index=True,
                         column_config={"subject": "Concerns", "detail": st.column_config.TextColumn("Detail", width="large")})
st.caption("People are listed by pseudonymous key; add their GitHub login to a team's members in data/teams.yml "
           "(or an alias) to attribute their work. Stale: no stage change and no commit for 6 months.")
