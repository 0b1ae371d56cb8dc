"""Collaboration: do the teams work together? Links between teams, flows of work, cross-team
repositories and projects, knowledge concentration, newcomers and retention."""
import streamlit as st

from analyses import metrics
from dashboard import access, charts, data, figures, filters
from publish import theme
from publish.text import plain

LINKS = {
    "people": ("Shared people", "people of one team contributing to another team's repositories"),
    "coauthored": ("Co-authored commits", "commits whose author and co-author were in different teams"),
    "projects": ("Joint projects", "projects under way in the period with the teams as lead or partner"),
    "code": ("Shared code", "repositories depending on a package another team publishes (as things stand now)"),
}


f = filters.current()
st.title("Collaboration across teams")
st.caption(f"{plain(f.describe())} · people counted for the team they were in on the day of each commit; bots left out")

team_list = data.query("team_list")
colours = theme.team_colours(team_list)
query = data.run_once()  # the measures below read the frames the page has
activity = query("collab_team_activity", date_from=f.period.start, date_to=f.period.end)
links = query("collab_links", **f.params())
flows = query("collab_flows", **f.params())
repos = query("cross_team_repositories", **f.params())
projects = query("cross_team_projects", **f.params())
if activity.empty:
    st.info("No commits by people of any team in this period.")
    st.stop()

outside = flows[flows.home_team_id != flows.repo_team_id]


def measure(key: str, **options):
    """A measure of the catalogue (analyses.metrics) as this page's filters give it: (its metric, its value)."""
    m = metrics.get(key)
    return m, m.value(query, f.period.start, f.period.end, f.teams, **options)


for column, key in zip(st.columns(4), ("cross_team_repositories", "cross_team_projects", "team_pairs_linked",
                                       "share_across_teams")):
    m, value = measure(key)
    column.metric(m.name, m.shown(value), help=m.definition)

st.subheader("The team network", anchor=False)
link = st.segmented_control("Link", list(LINKS), format_func=lambda k: LINKS[k][0], default="people",
                            key="link", bind="query-params") or "people"
st.caption(f"Edges: {LINKS[link][1]}. Nodes sized by commits in the period.")
chosen = links[links.link == link]
left, right = st.columns([1, 1])
with left:
    fig = figures.network_figure(activity, chosen, colours)
    charts.show(fig, key="network_chart", data=chosen[["team_a", "team_b", "weight"]], title=f"Team network, {LINKS[link][0].lower()}",
                    alt=f"Network of teams linked by {LINKS[link][0].lower()}: " + "; ".join(
                        f"{r.team_a}–{r.team_b} {r.weight:g}" for r in chosen.head(12).itertuples()))
with right:
    matrix, fig = figures.matrix_figure(activity, chosen, LINKS[link][0])
    charts.show(fig, key="matrix_chart", data=matrix.reset_index(names="team"), title=f"Team matrix, {LINKS[link][0].lower()}",
                    alt=f"Team-by-team matrix of {LINKS[link][0].lower()}.")
if chosen.empty:
    st.info(f"No {LINKS[link][0].lower()} between teams in this period.")
elif len(chosen) > figures.MAX_EDGES:
    st.caption(f"The network draws the {figures.MAX_EDGES} strongest of {len(chosen)} links; the matrix and the "
               "chart's data export hold them all.")

st.subheader("Where each team's people worked", anchor=False)
only_outside = st.toggle("Only work in other teams' repositories", value=True, key="flows_outside",
                         bind="query-params")
shown = outside if only_outside else flows
if shown.empty:
    st.caption("Nobody worked in another team's repositories in this period.")
else:
    fig = figures.flows_figure(shown, colours)
    charts.show(fig, key="flows_chart", data=shown[["home_team", "repo_team", "people", "contributions"]], title="Where each team's people worked",
                    alt="Flows of contributions from each home team (left) to the team owning the repository (right).")
    st.caption("Left: the team people were in. Right: the team owning the repository. Width: commits and "
               "co-authorships. People with no membership on the day count for the team owning most of their work "
               f"({int(shown.people_inferred.sum())} such person-flows here).")

tab_repos, tab_projects = st.tabs([f"Cross-team repositories ({len(repos)})", f"Cross-team projects ({len(projects)})"])
with tab_repos:
    charts.table("Cross-team repositories", repos, hide_index=True, column_config={
        "full_name": "Repository", "owner": "Owner", "teams": st.column_config.NumberColumn("Teams"),
        "contributing_teams": "Contributing teams", "people": "People", "people_from_outside": "From other teams",
        "contributions": "Contributions",
        "outside_share_pct": st.column_config.NumberColumn("From outside", format="%.1f%%"), "projects": "Projects"})
with tab_projects:
    charts.table("Cross-team projects", projects, hide_index=True, column_config={
        "title": "Project", "lead_team": "Lead", "partners": "Partner teams (record)",
        "contributing_teams": "Teams contributing code", "teams": "Teams", "people": "People",
        "current_stage": "Stage"})

st.subheader("Knowledge concentration", anchor=False)
c1, c2 = st.columns([1, 2])
scope = c1.segmented_control("Measure", ["repository", "project"], default="project", format_func=str.capitalize,
                             key="bus_scope", bind="query-params") or "project"
minimum = c2.slider("Leave out those with fewer commits in 12 months than", 0, 200, 30, step=10, key="bus_min",
                    bind="query-params")
bus = data.query("bus_factor", as_of=f.period.end, scope=scope, teams=list(f.teams))
risky = bus[(bus.bus_factor == 1) & (bus.commits_12m >= minimum)].copy()
st.caption(f"Bus factor: the fewest people who made at least half of the commits in the 12 months to "
           f"{f.period.end:%d %b %Y}. {len(risky)} of {len(bus)} {scope}s rest on one person.")
columns = ["label", "team", "stage", "commits_12m", "people_12m", "top_person_share_pct"]
if access.current().sees_logins:
    logins = data.query("person_logins", keys=sorted({k for keys in risky.key_people for k in keys}))
    named = dict(zip(logins.person_key, logins.github_login.fillna("(no GitHub account)")))
    risky["key_person"] = [", ".join(named.get(k, k) for k in keys) for keys in risky.key_people]
    columns.append("key_person")
charts.table("Key-person risk", risky, hide_index=True, column_order=columns if scope == "project" else
             [c for c in columns if c != "stage"], column_config={
                 "label": "Project" if scope == "project" else "Repository", "team": "Team", "stage": "Stage",
                 "commits_12m": st.column_config.NumberColumn("Commits (12 months)", format="%d"),
                 "people_12m": "People (12 months)",
                 "top_person_share_pct": st.column_config.ProgressColumn("Made by one person", format="%.0f%%",
                                                                         min_value=0, max_value=100),
                 "key_person": "Key person (GitHub)"})

st.subheader("Newcomers and retention", anchor=False)
quarterly = data.query("team_people_quarterly", **f.params())
if not quarterly.empty:
    left, right = st.columns(2)
    with left:
        charts.show(figures.newcomers_figure(quarterly, colours), key="newcomers_chart", data=quarterly, title="Newcomers by team", alt="People contributing for each team for the first "
                                                                    "time, per quarter.")
    with right:
        charts.show(figures.retention_figure(quarterly, colours), key="retention_chart", data=quarterly, title="Retention by team",
                        alt="Share of each team's people active in a quarter who were active the quarter before.")
    if figures.folded(quarterly):
        st.caption(figures.FOLDED_NOTE + " Retention, a rate, is drawn for the seven largest teams only.")

st.subheader("Network measures", anchor=False)
st.caption(f"From {LINKS[link][0].lower()}. Strength: total link weight. Betweenness: how often a team sits on the "
           "shortest path between two others (strong links count as short): the teams that bridge the Assembly.")
g_measures, summary = figures.network_measures(activity, chosen)
linked, n_linked = measure("teams_linked", link=link)
selected, n_selected = measure("teams_selected")
st.markdown(f"**{linked.name}: {n_linked:,}** of {n_selected:,} {selected.name.lower()}; {summary['links']} links, "
            f"{summary['components']} connected group(s), density {summary['density']:.2f}"
            + (f"; teams with contributors but no link: {plain(', '.join(summary['isolated']))}"
               if summary["isolated"] else ""),
            help=f"{linked.name}: {linked.definition} {selected.name}: {selected.definition} The network's teams are "
                 "those whose people contributed in the period.")
charts.table("Team network measures", g_measures.drop(columns=["team_id"]), hide_index=True, column_config={
    "team": "Team", "links": "Linked teams", "strength": "Strength", "degree_centrality": "Degree centrality",
    "betweenness": "Betweenness", "component_size": "Group size"})

trend = figures.strength_by_year(f.period.end, f.teams, link)
if trend.year.nunique() > 1:
    charts.show(figures.trend_figure(trend, colours, LINKS[link][0]), key="network_trend_chart", data=trend, title="Network strength by year",
                    alt="Each team's total link weight by financial year.")
    if figures.folded(trend):
        st.caption(f"Drawn for the {len(theme.CATEGORICAL) - 1} teams with the greatest strength; the table of network "
                   "measures above lists every team.")
