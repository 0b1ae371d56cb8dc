"""Tech stack: which languages and libraries the teams really use, and who to ask about them."""
import pandas as pd
import streamlit as st

from dashboard import charts, data, figures, filters
from publish import theme
from publish.text import plain

f = filters.current()
st.title("Tech stack")
st.caption(f"{plain(f.describe())} · repositories with commits in the period")

colours = theme.team_colours(data.query("team_list"))
languages = data.query("languages_by_team", **f.params())
if languages.empty:
    st.info("No repository of the chosen teams had commits in this period.")
    st.stop()

st.subheader("Languages by team", anchor=False)
measure = st.segmented_control("Measure", ["Repositories", "Bytes of code"], default="Repositories",
                               key="lang_measure", bind="query-params")
column = "bytes" if measure == "Bytes of code" else "repositories"
# One colour per language on both charts: the most used languages (by repositories) keep theirs.
_, language_colours = theme.top_with_other(languages, "language", "repositories")
shown = languages.assign(language=languages.language.where(languages.language.isin(language_colours), "Other"))
shown = shown.groupby(["team", "language"], as_index=False)[column].sum()
charts.show(figures.languages_figure(shown, column, language_colours), key="languages_chart", data=shown, title="Languages by team",
                alt="Stacked bars of languages per team, by " + ("bytes of code" if column == "bytes" else "repositories"))

st.caption("Bytes of code as GitHub counts them. A repository counts for each language that makes up at least "
           "10% of its code, so a few build scripts do not make a Shell project.")

over_time = data.query("languages_over_time", **f.params())
if not over_time.empty:
    st.markdown("**Main language of the active repositories, each quarter**")
    over_time = over_time.assign(
        language=over_time.language.where(over_time.language.isin(language_colours), "Other"))
    over_time = over_time.groupby(["quarter", "language"], as_index=False).repositories.sum()
    charts.show(figures.languages_time_figure(over_time, language_colours), key="languages_time_chart", data=over_time, title="Main languages over time",
                    alt="Active repositories each quarter by main language.")

st.subheader("Library adoption", anchor=False)
categories = data.query("category_list")
labels = dict(zip(categories.category, categories.label))
category = st.selectbox("Category", ["", *labels], format_func=lambda c: labels.get(c, "All categories"),
                        key="category", bind="query-params")
adoption = data.query("library_adoption", **f.params(), category=category, max_packages=30)
if adoption.empty:
    st.info("No library of this category in the chosen teams' active repositories.")
else:
    grid = adoption.pivot_table(index="package", columns="team", values="repositories")  # empty where unused
    breadth = pd.DataFrame({"teams": grid.notna().sum(axis=1), "repositories": grid.sum(axis=1)})
    grid = grid.loc[breadth.sort_values(["teams", "repositories"], ascending=False, kind="stable").index]
    charts.show(figures.adoption_figure(grid), key="adoption_chart", data=adoption, title="Library adoption",
                    alt="Heatmap: repositories of each team (columns) that use each library (rows).")
    st.caption("Repositories of each team with commits in the period that depend on the library; widest use first.")

first_use = data.query("library_first_use", teams=list(f.teams), category=category, max_packages=15)
if not first_use.empty:
    st.markdown("**When each team first used them**")
    charts.show(figures.first_use_figure(first_use, colours), key="first_use_chart", data=first_use, title="First use of libraries by team",
                    alt="When each team's first repository using each library started.")
    if figures.folded(first_use):
        st.caption(figures.FOLDED_NOTE)

st.subheader("Who uses it?", anchor=False)
packages = data.query("package_list")
options = list(packages.package.unique())
package = st.selectbox("Library", options, index=options.index("pandas") if "pandas" in options else 0,
                       key="package", bind="query-params", help="Find the teams, projects and repositories using a "
                                                                   "library: the people to ask.")
users = data.query("who_uses", package=package, as_of=f.period.end)
st.caption(f"{users.team.nunique()} team(s), {len(users)} repositories")
charts.table("Teams using the technology", users, hide_index=True, column_config={
    "team": "Team", "full_name": "Repository", "ecosystem": "Ecosystem", "versions": "Version constraint",
    "inferred": st.column_config.CheckboxColumn("From imports", help="Found in import statements, not a manifest."),
    "projects": "Projects", "commits_12m": st.column_config.NumberColumn("Commits (12 months)"),
    "people_12m": st.column_config.NumberColumn("People (12 months)"),
    "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY")})

st.subheader("Version spread of key libraries", anchor=False)
key_libraries = st.multiselect("Libraries", options, default=[p for p in ["pandas", "numpy", "scikit-learn", "torch",
                                                                           "sqlalchemy", "pydantic"] if p in options],
                               key="versions_of", bind="query-params")
spread = data.query("version_spread", packages=key_libraries, teams=list(f.teams))
if spread.empty:
    st.caption("None of these libraries has a pinned version in the chosen teams' repositories.")
else:
    spread["major"] = "v" + spread.major_version.astype(str) + pd.Series(
        ["" if not b else " (behind)" for b in spread.behind], index=spread.index)
    charts.show(figures.versions_figure(spread, len(key_libraries)), key="versions_chart", data=spread, title="Version spread of key libraries",
                    alt="Major versions each team pins for each key library; '(behind)' marks majors older than "
                        "the newest in use.")
    behind = spread[spread.behind].groupby("package").team.unique()
    if len(behind):
        st.warning("On an older major version than others use: " + "; ".join(
            f"{plain(pkg)}: {plain(', '.join(teams))}" for pkg, teams in behind.items()))
