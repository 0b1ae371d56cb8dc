"""Collaboration: do the teams work together? Links between teams, flows of work, cross-team
repositories and projects, knowledge concentration, newcomers and retention."""
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data, filters, network, periods, theme
from dashboard.text import plain
from etl import config

LINKS = {
    "people": ("Shared people", "people of one team contributing to another team's repositories"),
    "coauthored": ("Co-authored commits", "commits whose author and co-author were in different teams"),
    "projects": ("Joint projects", "projects under way in the period with the teams as lead or partner"),
    "code": ("Shared code", "repositories depending on a package another team publishes (as things stand now)"),
}

f = filters.current()
st.title("Collaboration across teams")
st.caption(f"{f.describe()} · people counted for the team they were in on the day of each commit; bots left out")

team_list = data.query("team_list")
colours = theme.team_colours(team_list)
activity = data.query("collab_team_activity", date_from=f.period.start, date_to=f.period.end)
links = data.query("collab_links", **f.params())
flows = data.query("collab_flows", **f.params())
repos = data.query("cross_team_repositories", **f.params())
projects = data.query("cross_team_projects", **f.params())
if activity.empty:
    st.info("No commits by people of any team in this period.")
    st.stop()

outside = flows[flows.home_team_id != flows.repo_team_id]
m = st.columns(4)
m[0].metric("Cross-team repositories", len(repos), help="Repositories with contributors from two or more teams.")
m[1].metric("Cross-team projects", len(projects), help="Projects with partner teams, or contributors from two or "
                                                        "more teams in their repositories.")
m[2].metric("Team pairs linked", int(links.loc[links.link == "people"].shape[0]),
            help="Pairs of teams sharing at least one contributor.")
m[3].metric("Contributions across teams", f"{outside.contributions.sum() / max(flows.contributions.sum(), 1):.0%}",
            help="Share of all contributions (commits and co-authorships) made in another team's repositories.")

st.subheader("The team network", anchor=False)
link = st.segmented_control("Link", list(LINKS), format_func=lambda k: LINKS[k][0], default="people",
                            key="link", bind="query-params") or "people"
st.caption(f"Edges: {LINKS[link][1]}. Nodes sized by commits in the period.")
chosen = links[links.link == link]
g = network.graph(activity, chosen)
left, right = st.columns([1, 1])
with left:
    pos = network.layout(g)
    fig = go.Figure()
    top = max([d["weight"] for _, _, d in g.edges(data=True)] or [1])
    for a, b, d in g.edges(data=True):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(width=1 + 9 * d["weight"] / top, color="rgba(0, 94, 184, 0.45)")))
        fig.add_trace(go.Scatter(x=[(x0 + x1) / 2], y=[(y0 + y1) / 2], mode="markers", showlegend=False,
                                 marker=dict(size=8, color="rgba(0,0,0,0)"),
                                 hovertemplate=f"{plain(g.nodes[a]['label'])} – {plain(g.nodes[b]['label'])}: "
                                               f"{d['weight']:g}<extra></extra>"))
    nodes = sorted(g.nodes)
    most = max([g.nodes[n]["activity"] for n in nodes] or [1]) or 1
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text", showlegend=False,
        text=[g.nodes[n]["label"] for n in nodes], textposition="top center",
        marker=dict(size=[16 + 34 * (g.nodes[n]["activity"] / most) ** 0.5 for n in nodes],
                    color=[colours.get(g.nodes[n]["label"], theme.UNMAPPED) for n in nodes],
                    line=dict(width=2, color="white")),
        customdata=[[g.nodes[n]["activity"], g.degree(n), g.degree(n, weight="weight")] for n in nodes],
        hovertemplate="<b>%{text}</b><br>commits: %{customdata[0]:,}<br>linked teams: %{customdata[1]}"
                      "<br>link weight: %{customdata[2]:g}<extra></extra>"))
    fig.update_layout(height=520, xaxis=dict(visible=False, range=[-1.4, 1.4]),
                      yaxis=dict(visible=False, range=[-1.25, 1.35], scaleanchor="x"), margin=dict(l=0, r=0, t=10, b=0))
    charts.show(fig, key="network_chart", data=chosen[["team_a", "team_b", "weight"]], title=f"Team network, {LINKS[link][0].lower()}",
                    alt=f"Network of teams linked by {LINKS[link][0].lower()}: " + "; ".join(
                        f"{r.team_a}–{r.team_b} {r.weight:g}" for r in chosen.head(12).itertuples()))
with right:
    names = sorted(set(activity.team) | set(chosen.team_a) | set(chosen.team_b))
    matrix = pd.DataFrame(0.0, index=names, columns=names)
    for r in chosen.itertuples():
        matrix.loc[r.team_a, r.team_b] = matrix.loc[r.team_b, r.team_a] = r.weight
    fig = px.imshow(matrix.where(matrix > 0), text_auto=True, aspect="auto",
                    color_continuous_scale=["#E8EDEE", theme.NHS_BLUE], labels={"color": LINKS[link][0]})
    fig.update_layout(height=520, coloraxis_showscale=False, margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(side="top", title=None)
    fig.update_yaxes(title=None)
    charts.show(fig, key="matrix_chart", data=matrix.reset_index(names="team"), title=f"Team matrix, {LINKS[link][0].lower()}",
                    alt=f"Team-by-team matrix of {LINKS[link][0].lower()}.")
if chosen.empty:
    st.info(f"No {LINKS[link][0].lower()} between teams in this period.")

st.subheader("Where each team's people worked", anchor=False)
only_outside = st.toggle("Only work in other teams' repositories", value=True, key="flows_outside",
                         bind="query-params")
shown = outside if only_outside else flows
if shown.empty:
    st.caption("Nobody worked in another team's repositories in this period.")
else:
    homes = sorted(shown.home_team.unique())
    owners = sorted(shown.repo_team.unique())
    labels = [f"{t} (people)" for t in homes] + [f"{t} (repositories)" for t in owners]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=[lbl.rsplit(" (", 1)[0] for lbl in labels], pad=14,
                  color=[colours.get(lbl.rsplit(" (", 1)[0], theme.UNMAPPED) for lbl in labels],
                  customdata=labels, hovertemplate="%{customdata}<extra></extra>"),
        link=dict(source=[homes.index(t) for t in shown.home_team],
                  target=[len(homes) + owners.index(t) for t in shown.repo_team],
                  value=list(shown.contributions), customdata=list(shown.people),
                  hovertemplate="%{source.label} → %{target.label}: %{value:,} contributions by "
                                "%{customdata} people<extra></extra>",
                  color="rgba(0, 94, 184, 0.25)")))
    fig.update_layout(height=140 + 40 * max(len(homes), len(owners)))
    charts.show(fig, key="flows_chart", data=shown[["home_team", "repo_team", "people", "contributions"]], title="Where each team's people worked",
                    alt="Flows of contributions from each home team (left) to the team owning the repository (right).")
    st.caption("Left: the team people were in. Right: the team owning the repository. Width: commits and "
               "co-authorships. People with no membership on the day count for the team owning most of their work "
               f"({int(shown.people_inferred.sum())} such person-flows here).")

tab_repos, tab_projects = st.tabs([f"Cross-team repositories ({len(repos)})", f"Cross-team projects ({len(projects)})"])
with tab_repos:
    st.dataframe(repos, hide_index=True, column_config={
        "full_name": "Repository", "owner": "Owner", "teams": st.column_config.NumberColumn("Teams"),
        "contributing_teams": "Contributing teams", "people": "People", "people_from_outside": "From other teams",
        "contributions": "Contributions",
        "outside_share_pct": st.column_config.NumberColumn("From outside", format="%.1f%%"), "projects": "Projects"})
with tab_projects:
    st.dataframe(projects, hide_index=True, column_config={
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
if config.show_logins():
    logins = data.query("person_logins", keys=sorted({k for keys in risky.key_people for k in keys}))
    named = dict(zip(logins.person_key, logins.github_login.fillna("(no GitHub account)")))
    risky["key_person"] = [", ".join(named.get(k, k) for k in keys) for keys in risky.key_people]
    columns.append("key_person")
st.dataframe(risky, hide_index=True, column_order=columns if scope == "project" else
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
        fig = px.bar(quarterly.dropna(subset=["newcomers"]), x="quarter", y="newcomers", color="team",
                     color_discrete_map=colours, labels={"quarter": "", "newcomers": "People new to the team",
                                                         "team": "Team"})
        fig.update_layout(height=340, legend_title_text="", barmode="stack", yaxis=dict(tickformat="d", rangemode="tozero"))
        charts.show(fig, key="newcomers_chart", data=quarterly, title="Newcomers by team", alt="People contributing for each team for the first "
                                                                    "time, per quarter.")
    with right:
        fig = px.line(quarterly.dropna(subset=["retention_pct"]), x="quarter", y="retention_pct", color="team",
                      color_discrete_map=colours, markers=True,
                      labels={"quarter": "", "retention_pct": "Still active from the quarter before (%)",
                              "team": "Team"})
        fig.update_layout(height=340, legend_title_text="", yaxis=dict(range=[0, 105]))
        charts.show(fig, key="retention_chart", data=quarterly, title="Retention by team",
                        alt="Share of each team's people active in a quarter who were active the quarter before.")

st.subheader("Network measures", anchor=False)
st.caption(f"From {LINKS[link][0].lower()}. Strength: total link weight. Betweenness: how often a team sits on the "
           "shortest path between two others (strong links count as short): the teams that bridge the Assembly.")
g_measures = network.measures(g)
summary = network.summary(g)
st.markdown(f"{summary['teams']} teams, {summary['links']} links, {summary['components']} connected group(s), "
            f"density {summary['density']:.2f}" + (f"; not linked: {plain(', '.join(summary['isolated']))}"
                                                     if summary["isolated"] else ""))
st.dataframe(g_measures.drop(columns=["team_id"]), hide_index=True, column_config={
    "team": "Team", "links": "Linked teams", "strength": "Strength", "degree_centrality": "Degree centrality",
    "betweenness": "Betweenness", "component_size": "Group size"})

years = [p for p in periods.available(f.period.end.replace(year=f.period.end.year - 10), f.period.end)
         if p.key.startswith("fy-")]
trend = []
for p in reversed(years):  # oldest first
    year_links = data.query("collab_links", date_from=p.start, date_to=p.end, teams=list(f.teams))
    year_activity = data.query("collab_team_activity", date_from=p.start, date_to=p.end)
    if year_activity.empty:
        continue
    year_graph = network.graph(year_activity, year_links[year_links.link == link])
    trend.append(network.measures(year_graph).assign(year=p.label))
if len(trend) > 1:
    trend = pd.concat(trend, ignore_index=True)
    fig = px.line(trend, x="year", y="strength", color="team", color_discrete_map=colours, markers=True,
                  labels={"year": "", "strength": f"Strength ({LINKS[link][0].lower()})", "team": "Team"})
    fig.update_layout(height=340, legend_title_text="")
    charts.show(fig, key="network_trend_chart", data=trend, title="Network strength by year",
                    alt="Each team's total link weight by financial year.")
