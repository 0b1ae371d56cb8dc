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
