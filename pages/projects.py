"""Projects: the Assembly's portfolio, one record per project, and a form to submit a new one."""

import pandas as pd
import plotly.express as px
import streamlit as st

from analyses import metrics, vocabulary
from dashboard import access, charts, data, filters, forms
from dashboard.headline import count, during, headline
from etl.records import fields
from publish import printing, report, theme
from publish.text import LINK_HOST, day, link, plain, web_links

f = filters.current()
words = vocabulary.current()
st.title("Projects")
query = data.run_once()  # the measures below read the frames the page has
(projects, n_projects), (now, n_now), (started, n_started) = (
    (m, int(m.value(query, f.period.start, f.period.end, f.teams)))
    for m in map(metrics.get, ("projects", "operational_now", "started")))
headline(f"{count(n_projects, 'project')} started by {day(f.period.end)}, {n_now:,} of them operational now; "
         f"{f'{n_started:,}' if n_started else 'none'} started {during(f.period)}.",
         definitions=[f"{m.name}: {m.definition}" for m in (projects, now, started)])
st.caption(f"{plain(f.describe().split(' · ')[0])} · the catalogue lists every project, whatever its dates; use "
           "*Active in* to pick a year")

catalogue_tab, submit_tab = st.tabs(["Catalogue", "Submit a project"])

with submit_tab:
    if access.current().may_submit:
        every = data.query("project_catalogue", teams=[])  # ids in use, whatever the teams chosen
        forms.project_submission(data.query("team_list"), taken=dict(zip(every.project_id, every.title)))
    else:
        st.info("Submitting a project needs the contributor role. Ask the Assembly's dashboard operators for it.",
                icon=":material/lock:")

with catalogue_tab:
    tags = data.query("project_tag_list")
    everything = data.query("project_catalogue", teams=list(f.teams))
    years = sorted({y for a, b in zip(everything.years_from, everything.years_to)
                    for y in range(int(a), int(b if pd.notna(b) else f.period.end.year) + 1)}, reverse=True)
    cols = st.columns([3, 2, 2, 1, 2])
    search = cols[0].text_input("Search", key="q", bind="query-params", placeholder="Words in title, summary, tags")
    stage_labels = vocabulary.labels(words.stages)
    stages = cols[1].multiselect("Stage", list(stage_labels), format_func=stage_labels.get,
                                 key="stage", bind="query-params", placeholder="Any stage")
    tag = cols[2].selectbox("Tag", ["", *sorted(set(tags.tag))], format_func=lambda t: t or "Any tag",
                            key="tag", bind="query-params")
    year = cols[3].selectbox("Active in", [0, *years], format_func=lambda y: str(y) if y else "Any year",
                             key="year", bind="query-params")
    access_labels = vocabulary.labels(words.data_access)
    access_chosen = cols[4].multiselect("Data access", list(access_labels), format_func=access_labels.get,
                                        key="access", bind="query-params", placeholder="Any")
    found = data.query("project_catalogue", teams=list(f.teams), stages=stages, tag=tag, active_year=int(year),
                       data_access=access_chosen, search=search.strip())

    st.metric("Projects listed", f"{len(found):,}", delta=None if len(found) == len(everything) else f"of {len(everything):,}",
              delta_color="off", help="Projects of the chosen teams matching the filters above, whatever their dates. "
                                      f"{metrics.get('projects').name} on the Overview: "
                                      f"{metrics.get('projects').definition.lower()}")
    if found.empty:
        st.info("No project matches these filters.")
    else:
        found["data_access"] = found.data_access.map(lambda a: access_labels.get(a, a), na_action="ignore")
        charts.table("Projects",
            found, hide_index=True, height=min(560, 35 * (len(found) + 1) + 3),
            column_order=["title", "stage", "stage_since", "lead_team", "last_commit", "repositories", "started_on",
                          "data_access", "tags", "summary"],
            column_config={
                "title": st.column_config.TextColumn("Project", width=340), "lead_team": "Lead team",
                "stage": "Stage", "stage_since": st.column_config.DateColumn("At the stage since", format="D MMM YYYY"),
                "started_on": st.column_config.DateColumn("Started", format="D MMM YYYY"),
                "data_access": "Data access", "tags": st.column_config.ListColumn("Tags"),
                "repositories": st.column_config.NumberColumn("Repositories", format="localized"),
                "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY",
                                                               help="A dash: no code recorded."),
                "summary": st.column_config.TextColumn("Summary", width="large"),
            },
        )

    st.divider()
    titles = dict(zip(everything.project_id, everything.title))
    # The URL names the project by its id (links by title, made before, still work).
    filters.read_link("project", titles, aliases={t: i for i, t in titles.items()}, what="project",
                      where=" among the chosen teams' projects" if f.teams else "", fallback="no project's record")
    chosen = st.selectbox("Project details", list(titles), format_func=titles.get, index=None, key="project",
                          placeholder="Choose a project to see its record")
    filters.write_link("project", chosen)
    filters.show_notices(("project",), "projects")
    if chosen is None:
        st.stop()

    p = data.query("project_detail", project_id=chosen).iloc[0]
    st.header(plain(p.title), anchor=False)
    st.markdown(f"**{plain(p.summary)}**")
    def listed(value) -> list[str]:
        return [] if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else list(value)

    # The record's facts in one line, in words (values written out in full, none cut short).
    partners = listed(p.partner_teams)
    years = f"{int(p.years_from)}–{int(p.years_to) if pd.notna(p.years_to) else 'now'}"
    access_label = access_labels.get(p.data_access, p.data_access)
    st.markdown(f"**{plain(p.stage_label)}** since {plain(day(p.stage_since))} · led by **{plain(p.lead_team_name)}**"
                + (f" with {plain(', '.join(partners))}" if partners else "") + f" · {plain(years)}"
                + (f" · {plain(access_label)} data" if access_label else " · data access not recorded"))
    if p.description:
        st.markdown(plain(p.description))

    categories = vocabulary.labels(words.tag_categories)
    by_category: dict[str, list[str]] = {}
    for tag in listed(p.tags):  # "category: tag"
        category, _, name = tag.partition(": ")
        by_category.setdefault(categories.get(category, category), []).append(name)
    details = {
        "Origin": p.origin or "not recorded", "Work area": p.work_area or "not recorded",
        "Operational owner": p.operational_owner or "not named yet",
        **{f"{category} tags": ", ".join(names) for category, names in by_category.items()},
    }
    st.markdown("  \n".join(f"**{k}:** {plain(v)}" for k, v in details.items()))
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("Case study (HTML)", lambda: data.with_cursor(
        lambda con: report.case_study(con, chosen)).html.encode("utf-8"), f"case-study-{chosen}.html", "text/html",
        key="detail_case_html", icon=":material/html:", on_click="ignore")
    c2.download_button("Case study (PDF)", lambda: data.with_cursor(lambda con: report.case_study(con, chosen)).pdf(),
                       f"case-study-{chosen}.pdf", "application/pdf", key="detail_case_pdf",
                       icon=":material/picture_as_pdf:", on_click="ignore", disabled=printing.browser() is None,
                       help=None if printing.browser() else f"The PDF {printing.NO_BROWSER}.")

    timeline = data.query("project_timeline", project_id=chosen, as_of=f.period.end)
    st.subheader("Stage timeline", anchor=False)
    spans = timeline.assign(left_on=timeline.left_on.fillna(pd.Timestamp(f.period.end)))
    stage_colours = {s.label: theme.STAGE_COLOURS[s.id] for s in words.stages}
    fig = px.timeline(spans, x_start="entered_on", x_end="left_on", y="label", color="label",
                      color_discrete_map=stage_colours,
                      labels={"label": "Stage", "entered_on": "Entered", "left_on": "Left"})
    fig.update_yaxes(title_text="")
    fig.update_layout(showlegend=False, height=80 + 40 * len(spans), yaxis=dict(autorange="reversed"))
    charts.show(fig, key="timeline_chart", data=timeline, title=f"Stage timeline, {p.title}", scope="From the project's record",
                    alt=f"Timeline of the stages of {p.title}: " + ", ".join(
                        f"{r.label} from {r.entered_on:%b %Y}" for r in timeline.itertuples()))

    left, right = st.columns(2)
    with left:
        st.subheader("Governance", anchor=False)
        assessments = fields.field("governance").parts  # the projects table has a column for each
        statuses = vocabulary.labels(words.governance)
        charts.table("Project governance", pd.DataFrame({
            "check": [a.label for a in assessments],
            "status": [statuses.get(getattr(p, a.name), getattr(p, a.name)) or "Not recorded" for a in assessments],
        }), hide_index=True, column_config={"check": "Check", "status": "Status"})
    with right:
        st.subheader("Impact", anchor=False)
        if p.impact:
            st.markdown(plain(p.impact))
        numbers = [f"{int(p.hours_saved_per_year):,} hours saved a year" if pd.notna(p.hours_saved_per_year) else None,
                   (f"{int(p.organisations_using):,} organisation{'' if int(p.organisations_using) == 1 else 's'} using it"
                    if pd.notna(p.organisations_using) else None)]
        st.markdown("  \n".join(n for n in numbers if n) or "No impact recorded yet.")

    st.subheader("Outputs", anchor=False)
    outputs = data.query("project_outputs_list", project_id=chosen)
    if outputs.empty:
        st.caption("No outputs recorded.")
    kinds = vocabulary.labels(words.output_kinds)
    for o in outputs.itertuples():
        kind = kinds.get(o.kind, o.kind)
        when = f", {o.published_on:%b %Y}" if pd.notna(o.published_on) else ""
        st.markdown(f"- {plain(kind)}: {link(o.title, o.url)}{plain(when)}")

    st.subheader("Repositories", anchor=False)
    repos = data.query("project_repository_activity", project_id=chosen, as_of=f.period.end)
    if repos.empty:
        st.caption("No code repository recorded.")
    else:
        repos["url"] = web_links(repos.url)
        charts.table("Project repositories", repos, hide_index=True,
                     column_order=["full_name", "commits_12m", "contributors_12m", "last_commit", "primary_language",
                                   "license", "stars", "archived", "loaded", "host", "url"],
                     column_config={
            "full_name": st.column_config.TextColumn("Repository", width=260), "host": "Host",
            "url": st.column_config.LinkColumn("Link", display_text=LINK_HOST),
            "loaded": st.column_config.CheckboxColumn("Loaded", help="Whether the dashboard loads this repository's "
                                                                     "activity."),
            "primary_language": "Language", "stars": st.column_config.NumberColumn("Stars", format="localized"),
            "license": st.column_config.TextColumn("Licence", help="A dash: no licence found."),
            "archived": st.column_config.CheckboxColumn("Archived"),
            "commits_12m": st.column_config.NumberColumn("Commits (12 months)", format="localized"),
            "contributors_12m": st.column_config.NumberColumn("People (12 months)", format="localized"),
            "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY"),
        })
