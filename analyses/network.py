"""The team network: teams as nodes, links between teams as weighted edges (networkx).

Pure functions over the frames the collaboration queries return, so they are tested on their
own and the page only draws.
"""
from __future__ import annotations

import math

import networkx as nx
import pandas as pd


def graph(teams: pd.DataFrame, links: pd.DataFrame) -> nx.Graph:
    """Undirected graph: a node per team (attribute `label`, and `activity` when given), an edge
    per linked pair with its `weight`. `teams` has team_id, team (and optionally commits);
    `links` has team_a_id, team_b_id, weight."""
    g = nx.Graph()
    for row in teams.itertuples():
        g.add_node(row.team_id, label=row.team, activity=float(getattr(row, "commits", 0) or 0))
    for row in links.itertuples():
        if row.weight <= 0:
            continue
        for node, label in ((row.team_a_id, getattr(row, "team_a", row.team_a_id)),
                            (row.team_b_id, getattr(row, "team_b", row.team_b_id))):
            if node not in g:
                g.add_node(node, label=label, activity=0.0)
        g.add_edge(row.team_a_id, row.team_b_id, weight=float(row.weight))
    return g


def measures(g: nx.Graph) -> pd.DataFrame:
    """Per team: links (degree), link weight (strength), degree centrality, betweenness (shortest
    paths weighted by 1/weight, so strong links are short), and the size of its component."""
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=["team_id", "team", "links", "strength", "degree_centrality",
                                     "betweenness", "component_size"])
    distance = {(a, b): 1.0 / d["weight"] for a, b, d in g.edges(data=True)}
    nx.set_edge_attributes(g, distance, "distance")
    betweenness = nx.betweenness_centrality(g, weight="distance", normalized=True)
    centrality = nx.degree_centrality(g) if g.number_of_nodes() > 1 else {n: 0.0 for n in g}
    component = {n: len(c) for c in nx.connected_components(g) for n in c}
    rows = [{
        "team_id": n, "team": g.nodes[n].get("label", n), "links": g.degree(n),
        "strength": g.degree(n, weight="weight"), "degree_centrality": round(centrality[n], 3),
        "betweenness": round(betweenness[n], 3), "component_size": component[n],
    } for n in g.nodes]
    return pd.DataFrame(rows).sort_values(["strength", "team"], ascending=[False, True], ignore_index=True)


def summary(g: nx.Graph) -> dict:
    """Whole-network figures: teams, links, connected components, density, isolated teams."""
    n = g.number_of_nodes()
    return {"teams": n, "links": g.number_of_edges(),
            "components": nx.number_connected_components(g) if n else 0,
            "density": round(nx.density(g), 3) if n > 1 else 0.0,
            "isolated": sorted(g.nodes[i].get("label", i) for i in nx.isolates(g))}


def layout(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions on a circle in a stable order (team id), so the picture does not jump between
    periods or link types and every pair of teams can be told apart."""
    nodes = sorted(g.nodes)
    return {n: (math.cos(2 * math.pi * i / len(nodes) + math.pi / 2), math.sin(2 * math.pi * i / len(nodes) + math.pi / 2))
            for i, n in enumerate(nodes)}


def busiest(g: nx.Graph):
    """The team with the most links (then the greatest link weight, then by name): where a
    network centred on one team starts. None for a graph without links."""
    linked = [n for n in g.nodes if g.degree(n)]
    if not linked:
        return None
    return min(linked, key=lambda n: (-g.degree(n), -g.degree(n, weight="weight"), str(g.nodes[n].get("label", n))))


def partners(g: nx.Graph, team, keep: int | None = None) -> list[tuple]:
    """The teams linked to `team`, strongest link first (then by name): (team id, weight), the
    `keep` strongest when given."""
    ranked = sorted(((n, g.edges[team, n]["weight"]) for n in g.neighbors(team)),
                    key=lambda p: (-p[1], str(g.nodes[p[0]].get("label", p[0]))))
    return ranked[:keep] if keep is not None else ranked


def clustered_order(g: nx.Graph) -> list[list]:
    """The teams in groups that link more among themselves than with the rest (greedy modularity
    communities, by link weight), for a matrix that shows them as blocks: the groups with the most
    link weight first, and within each group the most linked team first. Teams without a link
    come last, each on its own."""
    strength = dict(g.degree(weight="weight"))

    def label(n):
        return str(g.nodes[n].get("label", n))

    linked = g.subgraph([n for n in g.nodes if g.degree(n)])
    groups = []
    if linked.number_of_edges():
        found = nx.community.greedy_modularity_communities(linked, weight="weight")
        groups = [sorted(group, key=lambda n: (-strength[n], label(n))) for group in found]
        groups.sort(key=lambda group: (-sum(strength[n] for n in group), label(group[0])))
    alone = sorted((n for n in g.nodes if not g.degree(n)), key=label)
    return groups + [[n] for n in alone]
