"""Repositories: every repository of the chosen teams, with its activity in the period."""
import streamlit as st

from analyses import metrics
from dashboard import charts, data, filters
from publish.text import LINK_HOST, plain, web_links

f = filters.current()
st.title("Repositories")
st.caption(plain(f.describe()))

repos = data.query("repository_activity", **f.params())
if repos.empty:
    st.info("No repositories for the chosen teams.")
    st.stop()

search = st.text_input("Search", placeholder="Name, description, language or project",
                       key="repo_search", bind="query-params")
if search:
    needle = search.lower()
    haystack = repos[["full_name", "description", "primary_language", "projects"]].fillna("").agg(" ".join, axis=1)
    repos = repos[haystack.str.lower().str.contains(needle, regex=False)]

cols = st.columns(3)
cols[0].metric("Repositories", len(repos), help="Repositories of the chosen teams" + (" matching the search." if search
                                                                                     else "."))
active = metrics.get("active_repositories")
if search:
    cols[1].metric("Active, of those found", int((repos.commits > 0).sum()), help=active.definition)
else:
    cols[1].metric(active.name, active.shown(active.value(data.query, f.period.start, f.period.end, f.teams)),
                   help=active.definition)
cols[2].metric("Archived", int(repos.archived.sum()))

repos["html_url"] = web_links(repos.html_url)
charts.table("Repositories",
    repos, hide_index=True, height=min(600, 35 * (len(repos) + 1) + 3),
    column_order=["full_name", "team", "primary_language", "commits", "contributors", "last_commit",
                  "stars", "license", "archived", "projects", "description", "html_url"],
    column_config={
        "full_name": "Repository", "team": "Team", "primary_language": "Language",
        "commits": st.column_config.NumberColumn("Commits", help="Commits by people in the period."),
        "contributors": st.column_config.NumberColumn("People", help="Contributors in the period."),
        "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY"),
        "stars": "Stars", "license": "Licence", "archived": "Archived", "projects": "Projects",
        "description": "Description", "html_url": st.column_config.LinkColumn("Link", display_text=LINK_HOST),
    },
)
