"""Collaboration: do the teams work together? Links between teams, flows of work, cross-team
repositories and projects, knowledge concentration, newcomers and retention."""
import streamlit as st

from analyses import metrics, network, periods, vocabulary
from dashboard import access, charts, collaboration_figures, data, figures, filters
from dashboard.headline import headline
from publish import theme
from publish.text import plain

# Each kind of link: its name, what one unit of its weight is, and what makes a link.
LINKS = {
    "people": ("Shared people", "people", "people of one team contributing to another team's repositories"),
    "coauthored": ("Co-authored commits", "co-authored commits",
                   "commits whose author and co-author were in different teams"),
    "projects": ("Joint projects", "joint projects", "projects under way in the period with the teams as lead or partner"),
    "code": ("Shared code", "repositories", "repositories depending on a package another team publishes (as things "
                                            "stand now)"),
}
STAGES = vocabulary.labels(vocabulary.current().stages)


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """ "1 team", "3 teams"."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


f = filters.current()
st.title("Collaboration across teams")

colours = theme.team_colours(data.query("team_list"), f.teams)
query = data.run_once()  # the measures below read the frames the page has
activity = query("collab_team_activity", date_from=f.period.start, date_to=f.period.end)
links = query("collab_links", **f.params())
flows = query("collab_flows", **f.params())
if activity.empty:
    st.info("No commits by people of any team in this period.")
    st.stop()


def measure(key: str, period=f.period, **options):
    """A measure of the catalogue (analyses.metrics) as this page's filters give it: (its metric, its value)."""
    m = metrics.get(key)
    return m, m.value(query, period.start, period.end, f.teams, **options)


# The answer, in words: how much work crossed team lines, against a year earlier, and the closest pair.
share, now = measure("share_across_teams")
before = periods.year_earlier(f.period)
then = None
if query("collab_flows", date_from=before.start, date_to=before.end, teams=list(f.teams)).contributions.sum():
    then = measure("share_across_teams", before)[1]
change = ""
if then is not None:
    moved = "the same as" if share.shown(now) == share.shown(then) else "up from" if now > then else "down from"
    change = f", {moved} {share.shown(then)} a year earlier"
pairs_linked, n_pairs = measure("team_pairs_linked")
people_links = links[links.link == "people"]
people_graph = network.graph(activity, people_links)
# Pairs that could have been linked: of the teams in the network, those with a chosen team in them.
n_teams, n_others = people_graph.number_of_nodes(), sum(t not in f.teams for t in people_graph.nodes) if f.teams else 0
possible = n_teams * (n_teams - 1) // 2 - n_others * (n_others - 1) // 2
closest = collaboration_figures.strongest_pairs(people_links, len(people_links))
answer = (f"{share.shown(now)} of contributions crossed team lines {periods.in_words(f.period)}{change}; "
          f"{n_pairs:,} of the {possible:,} pairs of teams shared people")
if len(closest):
    most = int(closest.weight.iloc[0])
    tied = closest[closest.weight == most]
    people = "person" if most == 1 else "people"
    if len(tied) == 1:
        answer += f", most of all {tied.team_a.iloc[0]} and {tied.team_b.iloc[0]} ({most:,} {people})"
    elif len(tied) <= 3:  # a tie is named as one: no pair is picked out by the spelling of its names
        named = [f"{r.team_a} with {r.team_b}" for r in tied.itertuples()]
        answer += (f", most of all {('two', 'three')[len(tied) - 2]} pairs with {most:,} {people} each: "
                   f"{', '.join(named[:-1])} and {named[-1]}")
    else:
        answer += f", at most {most:,} {people} in any pair ({len(tied):,} pairs share that)"
headline(answer + ".", definitions=[f"{m.name}: {m.definition}" for m in (share, pairs_linked)])
st.caption(f"{plain(f.describe())} · people counted for the team they were in on the day of each commit; bots left out")

many = people_graph.number_of_nodes() > collaboration_figures.MANY_TEAMS or len(activity) > collaboration_figures.MANY_TEAMS
st.subheader("Which teams work together" if many else "The team network", anchor=False)
link = st.segmented_control("Linked by", list(LINKS), format_func=lambda k: LINKS[k][0], default="people",
                            key="link", bind="query-params", label_visibility="collapsed") or "people"
name, unit, meaning = LINKS[link]
chosen = links[links.link == link]
g = network.graph(activity, chosen)
chosen_names = tuple(f.team_names[t] for t in f.teams)
matrix_title = f"Team matrix, {name.lower()}"
if chosen.empty:
    st.info(f"No {name.lower()} between teams in this period.")
elif not many:
    left, right = st.columns([3, 2])
    with left:
        fig = collaboration_figures.network_figure(activity, chosen, colours, unit)
        charts.show(fig, key="network_chart", data=chosen[["team_a", "team_b", "weight"]],
                    title=f"Team network, {name.lower()}",
                    alt=f"Network of teams linked by {name.lower()}: " + "; ".join(
                        f"{r.team_a}–{r.team_b} {r.weight:g}" for r in chosen.head(12).itertuples()))
    with right:
        matrix, fig = collaboration_figures.matrix_figure(activity, chosen, name, chosen_names)
        charts.show(fig, key="matrix_chart", data=matrix.reset_index(names="team"), title=matrix_title,
                    alt=f"Team-by-team matrix of {name.lower()}.")
    st.caption(f"Links: {meaning}. Circles sized by commits in the period; lines and cells by {unit}. "
               f"{theme.TEAM_COLOUR_RULE}. " + ("The matrix has a row for each team chosen." if chosen_names else
                                                 "The matrix puts teams that link most among themselves together (boxed)."))
else:
    pairs = collaboration_figures.strongest_pairs(chosen)
    charts.show(collaboration_figures.pairs_figure(pairs, unit), key="pairs_chart", data=pairs,
                title=f"Strongest team pairs, {name.lower()}",
                alt=f"The {len(pairs)} pairs of teams most linked by {name.lower()}: " + "; ".join(
                    f"{r.pair} {r.weight:g}" for r in pairs.itertuples()))
    st.caption(f"The {len(pairs)} strongest of {len(chosen):,} links between teams. Links: {meaning}.")

for column, key in zip(st.columns(4), ("cross_team_repositories", "cross_team_projects", "team_pairs_linked",
                                       "share_across_teams")):
    m, value = measure(key)
    column.metric(m.name, m.shown(value), help=m.definition)

if many and not chosen.empty:
    st.subheader("Around one team", anchor=False)
    names = {n: g.nodes[n]["label"] for n in g.nodes if g.degree(n)}
    ranked = sorted(names, key=lambda n: names[n].casefold())
    busiest = network.busiest(g)
    centre = st.columns([2, 3])[0].selectbox(
        "Team in the middle", ranked, index=ranked.index(busiest), format_func=names.get, key="centre",
        bind="query-params", help="First shown: the team with the most links.")
    partners = network.partners(g, centre)
    charts.show(collaboration_figures.ego_figure(activity, chosen, colours, centre, unit), key="ego_chart",
                data=chosen[(chosen.team_a_id == centre) | (chosen.team_b_id == centre)][["team_a", "team_b", "weight"]],
                title=f"Links of {names[centre]}, {name.lower()}",
                alt=f"{names[centre]} and the teams it is most linked to by {name.lower()}: " + "; ".join(
                    f"{g.nodes[p]['label']} {w:g}" for p, w in partners[:collaboration_figures.PARTNERS]))
    st.caption(f"{plain(names[centre])} is linked to {counted(len(partners), 'team')}"
               + (f"; the {collaboration_figures.PARTNERS} strongest are drawn, clockwise from the top" if len(partners) > collaboration_figures.PARTNERS
                  else ", strongest at the top, then clockwise") + f". The number in each circle: {unit}.")

    st.subheader("Every pair of teams", anchor=False)
    matrix, fig = collaboration_figures.matrix_figure(activity, chosen, name, chosen_names)
    charts.show(fig, key="matrix_chart", data=matrix.reset_index(names="team"), title=matrix_title,
                alt=f"Team-by-team matrix of {name.lower()}.")
    st.caption(f"Cells: {unit} linking the two teams. " + (
        "A row for each team chosen, against the teams it is linked to, most linked first." if chosen_names else
        "Teams that link most among themselves are put together, each group boxed; within a group, the most linked "
        "team first."))
if len(chosen) > collaboration_figures.MAX_EDGES and not many:
    st.caption(f"The network draws the {collaboration_figures.MAX_EDGES} strongest of {len(chosen):,} links; the matrix and the "
               "chart's data export hold them all.")

st.subheader("Where each team's people worked", anchor=False)
only_outside = st.toggle("Only work in other teams' repositories", value=True, key="flows_outside",
                         bind="query-params")
shown = flows[flows.home_team_id != flows.repo_team_id] if only_outside else flows
if shown.empty:
    st.caption("Nobody worked in another team's repositories in this period.")
else:
    fig = collaboration_figures.flows_figure(shown, colours)
    charts.show(fig, key="flows_chart", data=shown[["home_team", "repo_team", "people", "contributions"]],
                title="Where each team's people worked",
                alt="Flows of contributions from each home team (left) to the team owning the repository (right).")
    grouped = " " + figures.FOLDED_NOTE if figures.folded(shown, colours, "home_team") or \
        figures.folded(shown, colours, "repo_team") else ""
    st.caption("Left: the team people were in. Right: the team owning the repository. Width: commits and "
               "co-authorships. People with no membership on the day count for the team owning most of their work "
               f"({int(shown.people_inferred.sum()):,} such person-flows here).{grouped}")

repos = query("cross_team_repositories", **f.params()).fillna({"projects": ""})
projects = query("cross_team_projects", **f.params()).fillna({"partners": ""})
number = st.column_config.NumberColumn
tab_repos, tab_projects = st.tabs([f"Cross-team repositories ({len(repos):,})", f"Cross-team projects ({len(projects):,})"])
with tab_repos:
    charts.table("Cross-team repositories", repos, hide_index=True, column_order=[
        "full_name", "outside_share_pct", "teams", "people_from_outside", "owner", "contributing_teams", "people",
        "contributions", "projects"], column_config={
        "full_name": "Repository", "owner": "Owner", "teams": number("Teams", format="localized"),
        "contributing_teams": "Contributing teams", "people": number("People", format="localized"),
        "people_from_outside": number("From other teams", format="localized"),
        "contributions": number("Contributions", format="localized"),
        "outside_share_pct": number("From outside", format="%.0f%%", help="Share of the contributions made by "
                                                                           "people of other teams."),
        "projects": "Projects"})
with tab_projects:
    charts.table("Cross-team projects", projects.assign(current_stage=projects.current_stage.map(STAGES)),
                 hide_index=True, column_order=["title", "teams", "lead_team", "partners", "contributing_teams",
                                                "people", "current_stage"], column_config={
                     "title": "Project", "lead_team": "Lead", "partners": "Partner teams (record)",
                     "contributing_teams": "Teams contributing code", "teams": number("Teams", format="localized"),
                     "people": number("People", format="localized"), "current_stage": "Stage"})

st.subheader("Knowledge concentration", anchor=False)
c1, c2 = st.columns([1, 2])
scope = c1.segmented_control("Measure", ["repository", "project"], default="project", format_func=str.capitalize,
                             key="bus_scope", bind="query-params") or "project"
minimum = c2.slider("Leave out those with fewer commits in 12 months than", 0, 200, 30, step=10, key="bus_min",
                    bind="query-params")
bus = data.query("bus_factor", as_of=f.period.end, scope=scope, teams=list(f.teams))
risky = bus[(bus.bus_factor == 1) & (bus.commits_12m >= minimum)].copy()
risky["stage"] = risky.stage.map(STAGES)
st.markdown(f"**{len(risky):,} of {len(bus):,} {scope}s rest on one person**: one person made at least half of "
            f"their commits in the 12 months to {f.period.end.day} {f.period.end:%b %Y}.",
            help="Bus factor: the fewest people who made at least half of the commits. Those with fewer commits than "
                 "the slider's number are left out.")
columns = ["label", "team", "stage", "commits_12m", "people_12m", "top_person_share_pct"]
if access.current().sees_logins:
    logins = data.query("person_logins", keys=sorted({k for keys in risky.key_people for k in keys}))
    named = dict(zip(logins.person_key, logins.github_login.fillna("(no GitHub account)")))
    risky["key_person"] = [", ".join(named.get(k, k) for k in keys) for keys in risky.key_people]
    columns.append("key_person")
charts.table("Key-person risk", risky, hide_index=True, column_order=columns if scope == "project" else
             [c for c in columns if c != "stage"], column_config={
                 "label": "Project" if scope == "project" else "Repository", "team": "Team", "stage": "Stage",
                 "commits_12m": number("Commits (12 months)", format="localized"),
                 "people_12m": number("People (12 months)", format="localized"),
                 "top_person_share_pct": st.column_config.ProgressColumn("Made by one person", format="%.0f%%",
                                                                         min_value=0, max_value=100),
                 "key_person": "Key person (GitHub)"})

st.subheader("Newcomers and retention", anchor=False)
quarterly = data.query("team_people_quarterly", **f.params())
if not quarterly.empty:
    charts.show(collaboration_figures.newcomers_figure(quarterly, colours, f.period.start, f.period.end), key="newcomers_chart",
                data=quarterly, title="Newcomers by team",
                alt="People contributing for each team for the first time, per quarter.")
    charts.show(collaboration_figures.retention_figure(quarterly, colours, f.period.start, f.period.end), key="retention_chart",
                data=quarterly, title="Retention by team",
                alt="Share of each team's people active in a quarter who were active the quarter before.")
    notes = ["Newcomers: people contributing for a team for the first time. Still active: the share of a team's "
             "people in one quarter who were active for it the quarter before."]
    if figures.folded(quarterly, colours):
        notes.append(figures.FOLDED_NOTE + " Retention, a rate, is drawn for the teams with a colour only.")
    if collaboration_figures.part_quarters(quarterly.quarter, f.period.start, f.period.end):
        notes.append("Hatched bars and hollow points: a quarter the period covers only in part.")
    st.caption(" ".join(notes))

with st.expander("Analyst detail: network measures", icon=":material/query_stats:"):
    g_measures, summary = collaboration_figures.network_measures(activity, chosen)
    linked, n_linked = measure("teams_linked", link=link)
    selected, n_selected = measure("teams_selected")
    st.markdown(
        f"From {name.lower()}. **{linked.name}: {n_linked:,}** of {n_selected:,} {selected.name.lower()}; "
        f"{counted(summary['links'], 'link')}, {counted(summary['components'], 'connected group')}, "
        f"density {summary['density']:.2f}"
        + (f"; teams with contributors but no link: {plain(', '.join(summary['isolated']))}" if summary["isolated"] else "")
        + ".", help=f"{linked.name}: {linked.definition} {selected.name}: {selected.definition} The network's teams are "
                    "those whose people contributed in the period.")
    st.markdown(
        "- **Linked teams**: how many other teams a team is linked to.\n"
        "- **Strength**: the weight of all of a team's links together (here, " + unit + ").\n"
        "- **Degree centrality**: the share of the other teams a team is linked to: 1 means linked to every other team.\n"
        "- **Betweenness**: how often a team lies on the shortest route between two other teams (a strong link counts "
        "as a short step): high for the teams that bridge groups that would otherwise be apart, 0 for a team no route "
        "passes through.\n"
        "- **Density**: the share of all possible pairs of teams that are linked: 1 means every team is linked to every "
        "other.\n"
        "- **Connected group**: teams that can reach each other through links; **group size** counts its teams.")
    charts.table("Team network measures", g_measures.drop(columns=["team_id"]), hide_index=True, column_config={
        "team": "Team", "links": number("Linked teams", format="localized"),
        "strength": number("Strength", format="localized"),
        "degree_centrality": number("Degree centrality", format="%.2f"),
        "betweenness": number("Betweenness", format="%.3f"), "component_size": number("Group size")})
    trend = collaboration_figures.strength_by_year(f.period.end, f.teams, link)
    if trend.year.nunique() > 1:
        charts.show(collaboration_figures.trend_figure(trend, colours, name), key="network_trend_chart", data=trend,
                    title="Network strength by year", alt="Each team's total link weight by financial year.")
        notes = ["Each team's strength by financial year."]
        if trend.part_year.any():
            notes.append("The last year is to date: drawn hollow and dotted, it is not yet a whole year.")
        if figures.folded(trend, colours):
            notes.append("Drawn for the teams with a colour; the table above lists every team.")
        st.caption(" ".join(notes))
