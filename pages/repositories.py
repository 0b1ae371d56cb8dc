"""Repositories: every repository of the chosen teams, with its activity in the period."""
import streamlit as st

from analyses import metrics
from dashboard import charts, data, filters
from dashboard.headline import count, during, headline
from publish.text import LINK_HOST, plain, web_links

f = filters.current()
st.title("Repositories")

repos = data.query("repository_activity", **f.params())
if repos.empty:
    st.caption(plain(f.describe()))
    st.info("No repositories for the chosen teams.")
    st.stop()

active = metrics.get("active_repositories")
n_active = int(active.value(data.query, f.period.start, f.period.end, f.teams))
archived = int(repos.archived.sum())
headline(f"{n_active:,} of the {count(len(repos), 'repository', 'repositories')} had a commit by a person "
         f"{during(f.period)}; {archived:,} {'is' if archived == 1 else 'are'} archived.",
         definitions=[f"{active.name}: {active.definition}"])
st.caption(plain(f.describe()))

search = st.text_input("Search", placeholder="Name, description, language or project",
                       key="repo_search", bind="query-params")
if search:
    needle = search.lower()
    haystack = repos[["full_name", "description", "primary_language", "projects"]].fillna("").agg(" ".join, axis=1)
    repos = repos[haystack.str.lower().str.contains(needle, regex=False)]

if search:  # the sentence above gives these for every repository; here, for those found
    cols = st.columns(3)
    cols[0].metric("Repositories found", f"{len(repos):,}", help="Repositories of the chosen teams matching the search.")
    cols[1].metric("Active, of those found", f"{int((repos.commits > 0).sum()):,}", help=active.definition)
    cols[2].metric("Archived, of those found", f"{int(repos.archived.sum()):,}")

repos["html_url"] = web_links(repos.html_url)
charts.table("Repositories",
    repos, hide_index=True, height=min(600, 35 * (len(repos) + 1) + 3),
    column_order=["full_name", "team", "commits", "contributors", "last_commit", "primary_language", "projects",
                  "license", "stars", "archived", "description", "html_url"],
    column_config={
        "full_name": st.column_config.TextColumn("Repository", width=260), "team": "Team",
        "primary_language": "Language",
        "commits": st.column_config.NumberColumn("Commits", format="localized", help="Commits by people in the period."),
        "contributors": st.column_config.NumberColumn("People", format="localized", help="Contributors in the period."),
        "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY",
                                                       help="The last commit by a person in the period; a dash: none."),
        "stars": st.column_config.NumberColumn("Stars", format="localized"),
        "license": st.column_config.TextColumn("Licence", help="A dash: no licence found."),
        "archived": st.column_config.CheckboxColumn("Archived"),
        "projects": st.column_config.TextColumn("Projects", width="medium", help="A dash: part of no project."),
        "description": st.column_config.TextColumn("Description", width="large"),
        "html_url": st.column_config.LinkColumn("Link", display_text=LINK_HOST),
    },
)
