"""Reports: the annual report and one-page case studies, to download as HTML or PDF."""
import pandas as pd
import streamlit as st

from analyses import periods
from dashboard import data, filters
from publish import printing, report
from publish.text import day, plain

f = filters.current()
st.title("Reports")
st.caption("Self-contained files: the HTML opens offline in any browser (charts stay interactive); the PDF is "
           "printed by Chromium on the server.")
status = data.query("data_status").iloc[0]
as_of = status.data_as_of.date()
has_browser = printing.browser() is not None

st.subheader("Annual report", anchor=False)
first_day = as_of if pd.isna(status.first_commit_at) else status.first_commit_at.date()
years = [p for p in periods.available(first_day, as_of) if p.key.startswith("fy-")]
complete = [p for p in years if not p.label.endswith("(to date)")]
default_start, _ = report.last_complete_financial_year(as_of)
by_key = {p.key: p for p in years}
default = next((p.key for p in years if p.start == default_start), years[0].key)
# The URL names the year by its key (fy-2024-25); links by label, made before, still work.
filters.read_link("report_year", {k: p.label for k, p in by_key.items()}, default=default, what="financial year",
                  find=lambda name: getattr(periods.find(years, name), "key", None), fallback=by_key[default].label)
st.session_state.setdefault("report_year", default)  # a default given as index would clash with the link's
chosen = by_key[st.selectbox("Financial year", list(by_key), format_func=lambda k: by_key[k].label, key="report_year",
                             help="April to March. The default is the last complete financial year.")]
filters.write_link("report_year", chosen.key, default=default)
st.markdown(f"Headline numbers, projects started, moved on and deployed, the pathway funnel, tech-stack changes, "
            f"collaboration, a section per team and case-study summaries, for {plain(chosen.label)} "
            f"({day(chosen.start)} to {day(chosen.end)}).")
name = f"assembly-report-{chosen.key.removeprefix('fy-')}"
c1, c2 = st.columns(2)
c1.download_button("Annual report (HTML)", lambda: data.with_cursor(
    lambda con: report.annual(con, chosen.start, chosen.end)).html.encode("utf-8"),
    f"{name}.html", "text/html", key="report_html", icon=":material/html:", on_click="ignore", type="primary")
c2.download_button("Annual report (PDF)", lambda: data.with_cursor(
    lambda con: report.annual(con, chosen.start, chosen.end)).pdf(),
    f"{name}.pdf", "application/pdf", key="report_pdf", icon=":material/picture_as_pdf:", on_click="ignore",
    disabled=not has_browser, help=None if has_browser else f"The PDF {printing.NO_BROWSER}.")
if not complete:
    st.caption("No financial year is complete yet in this data: the report covers the year to date.")

st.subheader("Case studies", anchor=False)
catalogue = data.query("project_catalogue", teams=list(f.teams))
if catalogue.empty:
    st.info("No project for the chosen teams.")
    st.stop()
by_title = catalogue.sort_values("title")
titles = dict(zip(by_title.project_id, by_title.title))
operational = list(by_title.loc[by_title.stage == "Operational", "project_id"])
first = operational[0] if operational else next(iter(titles))
# The URL names the project by its id; links by title, made before, still work.
filters.read_link("case_project", titles, aliases={t: i for i, t in titles.items()}, default=first, what="project",
                  where=" among the chosen teams' projects" if f.teams else "", fallback=titles[first])
st.session_state.setdefault("case_project", first)
project_id = st.selectbox("Project", list(titles), format_func=titles.get, key="case_project")
filters.write_link("case_project", project_id, default=first)
filters.show_notices(("report_year", "case_project"), "reports")
st.caption("One page from the project record: summary, impact, journey through the pathway, governance, outputs "
           "and code.")
c1, c2 = st.columns(2)
c1.download_button("Case study (HTML)", lambda: data.with_cursor(
    lambda con: report.case_study(con, project_id)).html.encode("utf-8"),
    f"case-study-{project_id}.html", "text/html", key="case_html", icon=":material/html:", on_click="ignore")
c2.download_button("Case study (PDF)", lambda: data.with_cursor(lambda con: report.case_study(con, project_id)).pdf(),
                   f"case-study-{project_id}.pdf", "application/pdf", key="case_pdf",
                   icon=":material/picture_as_pdf:", on_click="ignore", disabled=not has_browser,
                   help=None if has_browser else f"The PDF {printing.NO_BROWSER}.")
