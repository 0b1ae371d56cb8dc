"""Tech stack: which languages and libraries the teams really use, and who to ask about them."""
import streamlit as st

from analyses import metrics, periods
from dashboard import charts, data, figures, filters
from dashboard.headline import headline
from publish import theme
from publish.text import plain

TOP_TEAMS = 15   # teams with a row of their own in the languages chart and the adoption heatmap; the rest share one


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """ "1 team", "3 teams"."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "none"


f = filters.current()
st.title("Tech stack")

colours = theme.team_colours(data.query("team_list"), f.teams)
query = data.run_once()  # the measures below read the frames the page has
languages = query("languages_by_team", **f.params())
if languages.empty:
    st.info("No repository of the chosen teams had commits in this period.")
    st.stop()


def measure(key: str, **options):
    """A measure of the catalogue (analyses.metrics) as this page's filters give it: (its metric, its value)."""
    m = metrics.get(key)
    return m, m.value(query, f.period.start, f.period.end, f.teams, **options)


# The answer, in words: the languages most repositories are written in, and the library most teams use.
active, n_active = measure("active_repositories")
by_language = languages.groupby("language").repositories.sum()
leading = sorted(by_language.index, key=lambda lang: (-by_language[lang], lang))[:2]
in_language, counts = None, []
for language in leading:
    in_language, n = measure("language_repositories", language=language)
    counts.append((language, n))
(first, n_first), rest = counts[0], counts[1:]
answer = (f"{first} is in {n_first:,} of the {n_active:,} active repositories ({share(n_first, n_active)})"
          + "".join(f", {lang} in {n:,} ({share(n, n_active)})" for lang, n in rest))
libraries = query("library_adoption", **f.params(), category="", max_packages=metrics.LIBRARIES)
used_by = libraries[libraries.team != "No team"].groupby("package").agg(teams=("team", "nunique"),
                                                                         repositories=("repositories", "sum"))
if len(used_by):
    top_library = sorted(used_by.index, key=lambda p: (-used_by.teams[p], -used_by.repositories[p], p))[0]
    library_teams, n_teams = measure("library_teams", package=top_library)
    with_commits, n_with_commits = measure("active_teams")
    answer += (f"; the library most teams use is {top_library}, in {n_teams:,} of the {n_with_commits:,} "
               f"teams with commits")
headline(answer + f" {periods.in_words(f.period)}.", definitions=[
    f"{m.name}: {m.definition}" for m in (active, in_language) + ((library_teams, with_commits) if len(used_by) else ())])
st.caption(f"{plain(f.describe())} · repositories with commits in the period")

st.subheader("Languages by team", anchor=False)
measure_name = st.segmented_control("Measure", ["Repositories", "Bytes of code"], default="Repositories",
                                    key="lang_measure", bind="query-params")
column = "bytes" if measure_name == "Bytes of code" else "repositories"
# One colour per language on both charts: the most used languages (by repositories) keep theirs.
_, language_colours = theme.top_with_other(languages, "language", "repositories")
shown = languages.assign(language=languages.language.where(languages.language.isin(language_colours), "Other"))
shown = shown.groupby(["team", "language"], as_index=False)[column].sum()
shown, team_order = figures.top_and_rest(shown, group="team", weight=column, keep=TOP_TEAMS, by=["language"],
                                         sums=[column])
charts.show(figures.languages_figure(shown, column, language_colours, team_order), key="languages_chart", data=shown,
            title="Languages by team",
            alt="Stacked bars of languages per team, by " + ("bytes of code" if column == "bytes" else "repositories"))
notes = ["Bytes of code as GitHub counts them. A repository counts for each language that makes up at least 10% of "
         "its code, so a few build scripts do not make a Shell project."]
if figures.is_other(team_order[-1]):
    notes.insert(0, f"The {TOP_TEAMS} teams with the most {'code' if column == 'bytes' else 'repositories by language'}; "
                    f"the other {len(languages.team.unique()) - TOP_TEAMS} together as the last bar.")
st.caption(" ".join(notes))

over_time = query("languages_over_time", **f.params())
if not over_time.empty:
    st.markdown("**Main language of the active repositories, each quarter**")
    over_time = over_time.assign(
        language=over_time.language.where(over_time.language.isin(language_colours), "Other"))
    over_time = over_time.groupby(["quarter", "language"], as_index=False).repositories.sum()
    charts.show(figures.languages_time_figure(over_time, language_colours), key="languages_time_chart", data=over_time,
                title="Main languages over time", alt="Active repositories each quarter by main language.")

st.subheader("Library adoption", anchor=False)
categories = data.query("category_list")
labels = dict(zip(categories.category, categories.label))
category = st.selectbox("Category", ["", *labels], format_func=lambda c: labels.get(c, "All categories"),
                        key="category", bind="query-params")
adoption = query("library_adoption", **f.params(), category=category, max_packages=metrics.LIBRARIES)
if adoption.empty:
    st.info("No library of this category in the chosen teams' active repositories.")
else:
    breadth = adoption.groupby("package").agg(teams=("team", "nunique"), repositories=("repositories", "sum"))
    packages = sorted(breadth.index, key=lambda p: (-breadth.teams[p], -breadth.repositories[p], p))
    # Teams by how many of these libraries they use (then repositories): the widest users get a row each.
    per_team = adoption.groupby("team").agg(libraries=("package", "nunique"), repositories=("repositories", "sum"))
    ranked = sorted(per_team.index, key=lambda t: (-per_team.libraries[t], -per_team.repositories[t], t))
    kept = ranked if len(ranked) <= TOP_TEAMS + 1 else ranked[:TOP_TEAMS]
    grid = adoption[adoption.team.isin(kept)].pivot_table(index="team", columns="package", values="repositories",
                                                           aggfunc="sum").reindex(index=kept, columns=packages)
    if len(kept) < len(ranked):
        other = adoption[~adoption.team.isin(kept)].groupby("package").repositories.sum()
        grid.loc[figures.other_label(len(ranked) - len(kept))] = other.reindex(packages)
    charts.show(figures.adoption_figure(grid), key="adoption_chart", data=adoption, title="Library adoption",
                alt="Heatmap: repositories of each team (rows) that use each library (columns).")
    shown_teams = (f"the {len(kept)} teams using the most of these libraries (then the most repositories), and the "
                   f"other {len(ranked) - len(kept)} together in grey" if len(kept) < len(ranked) else "each team")
    st.caption(f"Repositories with commits in the period that depend on the library: {shown_teams}. "
               f"Libraries: the {counted(len(packages), 'library', 'libraries')} used by the most teams"
               f"{' in this category' if category else ''}, most widely used first; empty cells: not used.")

first_use = data.query("library_first_use", teams=list(f.teams), category=category, max_packages=15)
if not first_use.empty:
    st.markdown("**When each team first used them**")
    charts.show(figures.first_use_figure(first_use, colours), key="first_use_chart", data=first_use,
                title="First use of libraries by team",
                alt="When each team's first repository using each library started.")
    if figures.folded(first_use, colours):
        st.caption(figures.FOLDED_NOTE + " For those, the point is the earliest of them.")

st.subheader("Who uses it?", anchor=False)
packages = data.query("package_list")
options = list(packages.package.unique())
package = st.selectbox("Library", options, index=options.index("pandas") if "pandas" in options else 0,
                       key="package", bind="query-params", help="Find the teams, projects and repositories using a "
                                                                   "library: the people to ask.")
users = data.query("who_uses", package=package, as_of=f.period.end)
st.caption(f"{counted(users.team.nunique(), 'team')}, {counted(len(users), 'repository', 'repositories')}"
           f" use {plain(package)}; busiest in the 12 months to {f.period.end.day} {f.period.end:%b %Y} first.")
charts.table("Teams using the technology", users.assign(projects=users.projects.fillna("")), hide_index=True,
             column_config={
                 "team": "Team", "full_name": "Repository", "ecosystem": "Ecosystem", "versions": "Version constraint",
                 "inferred": st.column_config.CheckboxColumn("From imports", help="Found in import statements, not a manifest."),
                 "projects": "Projects",
                 "commits_12m": st.column_config.NumberColumn("Commits (12 months)", format="localized"),
                 "people_12m": st.column_config.NumberColumn("People (12 months)", format="localized"),
                 "last_commit": st.column_config.DatetimeColumn("Last commit", format="D MMM YYYY")})

st.subheader("Version spread of key libraries", anchor=False)
key_libraries = st.multiselect("Libraries", options, default=[p for p in ["pandas", "numpy", "scikit-learn", "torch",
                                                                           "sqlalchemy", "pydantic"] if p in options],
                               key="versions_of", bind="query-params")
spread = data.query("version_spread", packages=key_libraries, teams=list(f.teams))
if spread.empty:
    st.caption("None of these libraries has a pinned version in the chosen teams' repositories.")
else:
    grid = figures.version_grid(spread)
    teams = sorted(set(grid.team) - {"No team"})
    behind = grid[grid.behind & (grid.team != "No team")]
    if behind.empty:
        st.markdown(f"**All {counted(len(teams), 'team')} pinning these libraries are on the newest major version in use.**")
    else:
        parts = []
        for pkg, part in sorted(behind.groupby("package"), key=lambda p: (-len(p[1]), p[0])):
            who = (listed([plain(t) for t in part.team]) if len(part) <= 2 else f"{len(part):,} teams")
            parts.append(f"{plain(pkg)} ({who}, behind {part.newest.iloc[0]})")
        st.markdown(f"**{behind.team.nunique():,} of {counted(len(teams), 'team')} pin an older major version than the "
                    f"newest in use** of at least one of these libraries: {listed(parts)}. Highlighted in orange below.")
    shown_packages = [p for p in key_libraries if p in set(grid.package)]
    charts.show(figures.versions_figure(grid, shown_packages), key="versions_chart", data=grid,
                title="Version spread of key libraries",
                alt="Major versions each team pins for each key library, those older than the newest in use highlighted.")
    st.caption("Each cell: the major versions the team's repositories pin (2.x: any 2 version). Teams behind on the "
               "most libraries first; hover a cell for its repositories. Unpinned dependencies are left out.")
