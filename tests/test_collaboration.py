"""Collaboration measures on a small hand-built warehouse, every expected figure worked out by
hand below: attribution at the commit date (a person who changes team, a renamed team, a team
merged into another, a person with no membership, an alias, a bot), links of each kind, flows,
bus factors, newcomers and retention; and the network measures."""
from __future__ import annotations

import base64
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyses import network, queries
from etl import pipeline, warehouse
from etl.warehouse import load

A, B, C, D, E, BOT = (f"p_{i:016x}" for i in range(1, 7))
PERIOD = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}


def team(team_id, name, **extra):
    return {"team_id": team_id, "name": name, "short_name": name, "organisation": "NHS England", **extra}


def commit(n, repo, who, day):
    return {"full_name": repo, "sha": f"{n:040x}", "person_key": who, "authored_at": dt.datetime.fromisoformat(day)}


ROWS = {
    "teams": [
        team("alpha", "Alpha"),                                                       # renamed, see team_history
        team("beta", "Beta"),
        team("gamma", "Gamma", ended_on=dt.date(2024, 9, 1), successor_team_id="beta"),  # merged into Beta
    ],
    "team_history": [
        {"team_id": "alpha", "valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2024, 6, 30), "name": "Alpha Lab",
         "organisation": "NHSX", "event": "formed"},
        {"team_id": "alpha", "valid_from": dt.date(2024, 7, 1), "valid_to": None, "name": "Alpha",
         "organisation": "NHS England", "event": "renamed"},
    ],
    "people": [{"person_key": k, "github_login": login, "is_bot": k == BOT, "source": "test"}
               for k, login in ((A, "ann"), (B, "bob"), (C, "cat"), (D, "dan"), (E, None), (BOT, "ci[bot]"))],
    "memberships": [
        {"person_key": A, "team_id": "alpha", "valid_from": dt.date(2020, 1, 1), "valid_to": None},
        {"person_key": B, "team_id": "beta", "valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2024, 3, 31)},
        {"person_key": B, "team_id": "alpha", "valid_from": dt.date(2024, 4, 1), "valid_to": None},  # moves team
        {"person_key": C, "team_id": "gamma", "valid_from": dt.date(2024, 1, 1), "valid_to": None},
        # D has no membership; E is another key of A
    ],
    "person_aliases": [{"alias_key": E, "person_key": A}],
    "repositories": [
        {"full_name": f"org/{r}", "org": "org", "name": r, "team_id": t, "source": "test"}
        for r, t in (("one", "alpha"), ("two", "beta"), ("three", "gamma"))
    ],
    "commits": [
        commit(1, "org/one", A, "2024-02-01T10:00"),     # Alpha in Alpha's repository (before the rename)
        commit(2, "org/two", A, "2024-02-02T10:00"),     # Alpha -> Beta
        commit(3, "org/two", B, "2024-02-03T10:00"),     # Beta -> Beta, co-authored by A (Alpha)
        commit(4, "org/one", B, "2024-05-01T10:00"),     # B has moved: Alpha -> Alpha
        commit(5, "org/two", B, "2024-05-02T10:00"),     # Alpha -> Beta
        commit(6, "org/three", C, "2024-02-01T10:00"),   # Gamma -> Gamma
        commit(7, "org/two", C, "2024-10-01T10:00"),     # Gamma merged into Beta: Beta -> Beta
        commit(8, "org/three", C, "2024-10-02T10:00"),   # Gamma's repository now Beta's: Beta -> Beta
        commit(9, "org/two", D, "2024-03-01T10:00"),     # D: no membership, most commits in Beta's: Beta (inferred)
        commit(10, "org/two", D, "2024-03-02T10:00"),
        commit(11, "org/one", D, "2024-03-03T10:00"),    # inferred Beta -> Alpha
        commit(12, "org/two", E, "2024-06-01T10:00"),    # E is A: Alpha -> Beta
        commit(13, "org/one", BOT, "2024-02-01T11:00"),  # bots never count
    ],
    "commit_coauthors": [{"full_name": "org/two", "sha": f"{3:040x}", "person_key": A}],
    "projects": [
        {"project_id": p, "title": p.title(), "summary": "s", "lead_team_id": lead, "current_stage": stage,
         "stage_since": since, "started_on": started}
        for p, lead, stage, since, started in (
            ("joint", "alpha", "pilot", dt.date(2024, 3, 1), dt.date(2024, 1, 1)),
            ("solo", "beta", "idea", dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
            ("old", "alpha", "retired", dt.date(2023, 6, 1), dt.date(2022, 1, 1)))
    ],
    "project_teams": [
        {"project_id": "joint", "team_id": "alpha", "role": "lead"},
        {"project_id": "joint", "team_id": "gamma", "role": "partner"},
        {"project_id": "solo", "team_id": "beta", "role": "lead"},
        {"project_id": "old", "team_id": "alpha", "role": "lead"},
        {"project_id": "old", "team_id": "beta", "role": "partner"},   # retired before the period
    ],
    "project_stages": [
        {"project_id": "joint", "stage": "idea", "entered_on": dt.date(2024, 1, 1)},
        {"project_id": "joint", "stage": "pilot", "entered_on": dt.date(2024, 3, 1)},
        {"project_id": "solo", "stage": "idea", "entered_on": dt.date(2024, 1, 1)},
        {"project_id": "old", "stage": "idea", "entered_on": dt.date(2022, 1, 1)},
        {"project_id": "old", "stage": "retired", "entered_on": dt.date(2023, 6, 1)},
    ],
    "project_repos": [{"project_id": "joint", "full_name": "org/one", "host": "github", "url": "https://github.com/org/one"},
                      {"project_id": "joint", "full_name": "org/three", "host": "github",
                       "url": "https://github.com/org/three"}],
    "repo_packages": [{"full_name": "org/one", "ecosystem": "pypi", "package": "alpha-utils",
                       "manifest_path": "pyproject.toml"}],
    "dependencies": [
        {"full_name": "org/two", "manifest_path": "requirements.txt", "ecosystem": "pypi", "package": "alpha-utils"},
        {"full_name": "org/one", "manifest_path": "requirements.txt", "ecosystem": "pypi", "package": "alpha-utils"},
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("collab") / "w.duckdb"
    with pipeline.build(path, "test") as b:
        b.data_as_of = dt.datetime(2024, 12, 31)
        for table, rows in ROWS.items():
            load.save_rows(b.con, table, rows)
    connection = warehouse.open_read_only(path)
    yield connection
    connection.close()


def rows(frame: pd.DataFrame, *columns) -> set[tuple]:
    return {tuple(r) for r in frame[list(columns)].itertuples(index=False)}


def test_each_commit_counts_for_the_authors_team_on_its_date(con):
    got = con.execute("SELECT sha[-2:], role, person_key, team_id, repo_team_id, attribution FROM warehouse.contributions "
                      "ORDER BY sha, role").fetchall()
    assert got == [
        ("01", "author", A, "alpha", "alpha", "membership"),
        ("02", "author", A, "alpha", "beta", "membership"),
        ("03", "author", B, "beta", "beta", "membership"),
        ("03", "coauthor", A, "alpha", "beta", "membership"),
        ("04", "author", B, "alpha", "alpha", "membership"),   # after the move
        ("05", "author", B, "alpha", "beta", "membership"),
        ("06", "author", C, "gamma", "gamma", "membership"),
        ("07", "author", C, "beta", "beta", "membership"),     # Gamma had merged into Beta
        ("08", "author", C, "beta", "beta", "membership"),     # and so had Gamma's repository
        ("09", "author", D, "beta", "beta", "inferred"),
        ("0a", "author", D, "beta", "beta", "inferred"),
        ("0b", "author", D, "beta", "alpha", "inferred"),
        ("0c", "author", A, "alpha", "beta", "membership"),    # E's commit, counted as A's
    ]  # commit 13 (the bot) is absent


def test_links_of_every_kind(con):
    links = queries.run(con, "collab_links", **PERIOD)
    assert rows(links, "link", "team_a_id", "team_b_id", "weight") == {
        ("people", "alpha", "beta", 3),      # A, B and D worked across Alpha and Beta; C stayed in the merged team
        ("coauthored", "alpha", "beta", 1),  # commit 3: B (Beta) with A (Alpha)
        ("projects", "alpha", "gamma", 1),   # "joint"; "old" was retired before the period
        ("code", "alpha", "beta", 1),        # org/two depends on alpha-utils, published by org/one
    }
    assert set(links.team_a) == {"Alpha"}  # the team's current name, though renamed in the period


def test_links_can_be_narrowed_to_a_team_and_a_period(con):
    gamma = queries.run(con, "collab_links", **PERIOD, teams=["gamma"])
    assert rows(gamma, "link", "team_b_id") == {("projects", "gamma")}
    before_the_move = queries.run(con, "collab_links", date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 2, 28))
    assert rows(before_the_move, "link", "weight") >= {("people", 1), ("coauthored", 1)}  # only A crossed by then


def test_flows_from_home_team_to_repository_owner(con):
    flows = queries.run(con, "collab_flows", **PERIOD)
    assert rows(flows, "home_team_id", "repo_team_id", "people", "contributions", "people_inferred") == {
        ("alpha", "alpha", 2, 2, 0),   # commits 1 and 4
        ("alpha", "beta", 2, 4, 0),    # commits 2, 5, 12 and A's co-authorship of 3
        ("beta", "beta", 3, 5, 1),     # commits 3, 7, 8, 9, 10
        ("beta", "alpha", 1, 1, 1),    # commit 11, by D
        ("gamma", "gamma", 1, 1, 0),   # commit 6
    }


def test_cross_team_repositories_and_projects(con):
    repos = queries.run(con, "cross_team_repositories", **PERIOD)
    assert rows(repos, "full_name", "teams", "people", "people_from_outside") == {
        ("org/one", 2, 3, 1),    # A and B (Alpha), D (Beta)
        ("org/two", 2, 4, 2),    # A and B from Alpha; C and D of Beta
    }  # org/three: only C, of Gamma and then of Beta, which Gamma merged into: one team
    projects = queries.run(con, "cross_team_projects", **PERIOD)
    # "joint": Alpha and Gamma (now Beta) named, people of Alpha and Beta contributed; "old" was retired
    assert rows(projects, "title", "teams", "people") == {("Joint", 2, 4)}


def test_bus_factor_per_repository_and_project(con):
    bus = queries.run(con, "bus_factor", as_of=dt.date(2024, 12, 31), scope="repository")
    assert rows(bus, "unit", "commits_12m", "people_12m", "bus_factor") == {
        ("org/one", 3, 3, 2),    # A, B, D one commit each: two of them make half
        ("org/two", 7, 4, 2),    # A 2 (one as E), B 2, D 2, C 1
        ("org/three", 2, 1, 1),  # C alone
    }
    projects = queries.run(con, "bus_factor", as_of=dt.date(2024, 12, 31), scope="project")
    assert rows(projects, "unit", "commits_12m", "people_12m", "bus_factor") == {("joint", 5, 4, 2)}  # C 2, A, B, D 1
    assert list(projects.key_people[0]) == [C, A]  # C first (2 commits), then the lowest key of those with 1


def test_newcomers_and_retention_by_quarter(con):
    q = queries.run(con, "team_people_quarterly", **PERIOD)
    got = {(r.team, str(r.quarter)[:10]): (r.active, None if pd.isna(r.newcomers) else r.newcomers, r.stayed)
           for r in q.itertuples()}
    assert got == {
        ("Alpha", "2024-01-01"): (1, None, 0),   # A; the first quarter of data has no "new"
        ("Alpha", "2024-04-01"): (2, 1, 1),      # B arrives, A stays
        ("Beta", "2024-01-01"): (2, None, 0),    # B and D
        ("Beta", "2024-10-01"): (1, 1, 0),       # C, via the merger
        ("Gamma", "2024-01-01"): (1, None, 0),   # C
    }
    alpha_q2 = q[(q.team == "Alpha") & (q.quarter == pd.Timestamp("2024-04-01"))].iloc[0]
    assert alpha_q2.retention_pct == 100.0


def test_teams_are_ranked_for_their_colours_by_the_commits_their_people_made(con):
    teams = queries.run(con, "team_list")
    # Beta's people made six commits (B's 3, C's 7 and 8 after the merger, D's 9 to 11), Alpha's
    # five (1, 2, 4, 5 and E's 12, as A), Gamma's one (6); the bot's is not counted.
    assert dict(zip(teams.team_id, teams.commits_all_time)) == {"alpha": 5, "beta": 6, "gamma": 1}
    assert dict(zip(teams.team_id, teams.colour_slot)) == {"beta": 0, "alpha": 1, "gamma": 2}


def test_network_measures_on_a_graph_worked_out_by_hand():
    teams = pd.DataFrame({"team_id": list("abcde"), "team": list("ABCDE"), "commits": [10, 20, 30, 5, 1]})
    links = pd.DataFrame({"team_a_id": ["a", "b", "a", "c"], "team_b_id": ["b", "c", "c", "d"], "weight": [2, 1, 1, 1]})
    g = network.graph(teams, links)
    m = network.measures(g).set_index("team_id")
    assert m.links.to_dict() == {"a": 2, "b": 2, "c": 3, "d": 1, "e": 0}
    assert m.strength.to_dict() == {"a": 3, "b": 3, "c": 3, "d": 1, "e": 0}
    # Paths a-d and b-d run through c; with 5 teams there are 6 pairs of others per team.
    assert m.betweenness.to_dict() == {"a": 0.0, "b": 0.0, "c": round(2 / 6, 3), "d": 0.0, "e": 0.0}
    assert m.component_size.to_dict() == {"a": 4, "b": 4, "c": 4, "d": 4, "e": 1}
    assert network.summary(g) == {"teams": 5, "links": 4, "components": 2, "density": 0.4, "isolated": ["E"]}
    assert set(network.layout(g)) == set("abcde")


def two_groups():
    """Two triangles of teams joined by one weak link, and a team with no link: a-b-c linked 5
    each, d-e-f 4 each, c-d 1."""
    teams = pd.DataFrame({"team_id": list("abcdefg"), "team": list("ABCDEFG"), "commits": [1] * 7})
    pairs = [("a", "b", 5), ("a", "c", 5), ("b", "c", 5), ("d", "e", 4), ("d", "f", 4), ("e", "f", 4), ("c", "d", 1)]
    links = pd.DataFrame(pairs, columns=["team_a_id", "team_b_id", "weight"])
    return teams, links.assign(team_a=links.team_a_id.str.upper(), team_b=links.team_b_id.str.upper())


def test_teams_are_ordered_in_groups_that_link_among_themselves():
    g = network.graph(*two_groups())
    # The groups by link weight (a, b, c: 31; d, e, f: 25), in each the most linked first
    # (c has the weak link as well; then by name), and the team with no link last.
    assert network.clustered_order(g) == [["c", "a", "b"], ["d", "e", "f"], ["g"]]
    assert network.busiest(g) == "c"  # three links; a, b, d, e, f have two
    assert network.partners(g, "c") == [("a", 5.0), ("b", 5.0), ("d", 1.0)]
    assert network.partners(g, "c", keep=1) == [("a", 5.0)]
    assert network.busiest(network.graph(two_groups()[0], two_groups()[1].iloc[:0])) is None


def test_the_matrix_shows_every_team_in_its_group_and_boxes_the_groups():
    from dashboard import collaboration_figures

    teams, links = two_groups()
    matrix, fig = collaboration_figures.matrix_figure(teams, links, "Shared people")
    assert list(matrix.index) == list(matrix.columns) == list("CABDEFG")
    assert matrix.loc["C", "D"] == matrix.loc["D", "C"] == 1 and matrix.loc["G"].sum() == 0
    assert list(fig.data[0].y) == list("CABDEFG") and fig.layout.yaxis.dtick == fig.layout.xaxis.dtick == 1
    boxes = [(s.x0, s.x1) for s in fig.layout.shapes]
    assert boxes == [(-0.5, 2.5), (2.5, 5.5)]  # the two groups; G alone is not boxed


def test_around_one_team_draws_its_strongest_links_with_their_weights():
    from dashboard import collaboration_figures

    teams, links = two_groups()
    fig = collaboration_figures.ego_figure(teams, links, {"C": "#0072B2"}, "c", "people")
    nodes = next(t for t in fig.data if t.mode == "markers+text")
    assert list(nodes.text) == ["A", "B", "D"]  # strongest first
    written = next(t for t in fig.data if t.mode == "text")
    assert list(written.text) == ["5", "5", "1"]
    assert "C" in fig.layout.annotations[0].text
    pairs = collaboration_figures.strongest_pairs(links, 2)
    assert list(pairs.pair) == ["A and B", "A and C"] and list(pairs.weight) == [5, 5]
    bars = collaboration_figures.pairs_figure(pairs, "people").data[0]
    assert list(bars.y) == ["A and B", "A and C"] and list(bars.text) == ["5", "5"]


# --- The page, on the demo warehouse -------------------------------------------------------

from tests.html_text import page_answer  # noqa: E402
from tests.test_pages import app, figure, fresh_caches, page  # noqa: E402,F401 (fixture)


def open_collaboration(db, monkeypatch, **query_params):
    at = app(db, monkeypatch, **query_params)
    at.switch_page(page("collaboration.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def drawn_edges(fig: dict) -> int:
    """Edges in the network chart: line traces hold segments x0, x1, None, one per edge."""
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert all(len(t["x"]) % 3 == 0 and t["x"][2::3] == [None] * (len(t["x"]) // 3) for t in lines)
    return sum(len(t["x"]) // 3 for t in lines)


def test_page_draws_the_network_and_matrix_from_the_links(demo_db, monkeypatch):
    at = open_collaboration(demo_db, monkeypatch)
    con = warehouse.open_read_only(demo_db)
    links = queries.run(con, "collab_links", date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30))
    con.close()
    people = links[links.link == "people"]
    assert len(people) > 0
    net, matrix = figure(at, 0), figure(at, 1)
    assert drawn_edges(net) == len(people)
    nodes = next(t for t in net["data"] if t.get("mode") == "markers+text")
    assert set(nodes["text"]) >= set(people.team_a) | set(people.team_b)
    heat = matrix["data"][0]
    z = heat["z"]
    if isinstance(z, dict):  # Plotly's binary form: base64 bytes with dtype and shape
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(
            [int(n) for n in str(z["shape"]).split(",")]).tolist()
    cells = {(y, x): v for y, row in zip(heat["y"], z) for x, v in zip(heat["x"], row)
             if v is not None and not np.isnan(v)}
    assert len(cells) == 2 * len(people)
    for r in people.itertuples():
        assert cells[(r.team_a, r.team_b)] == cells[(r.team_b, r.team_a)] == r.weight
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Team pairs linked"] == str(len(people))


def test_the_page_opens_with_its_answer_in_a_sentence(demo_db, monkeypatch):
    """How much work crossed team lines, against the same months a year earlier, and the closest
    pair of teams: worked out here from the contributions themselves."""
    at = open_collaboration(demo_db, monkeypatch)
    con = warehouse.open_read_only(demo_db)

    def across(start, end):
        total, crossed = con.execute("""SELECT count(*), count(*) FILTER (WHERE team_id <> repo_team_id)
            FROM warehouse.contributions WHERE team_id IS NOT NULL AND repo_team_id IS NOT NULL
              AND authored_at >= ? AND authored_at < ? + INTERVAL 1 DAY""", [start, end]).fetchone()
        return crossed / total

    now, then = across(dt.date(2025, 10, 1), dt.date(2026, 9, 30)), across(dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    pairs = con.execute("""SELECT least(team_id, repo_team_id) a, greatest(team_id, repo_team_id) b,
            count(DISTINCT person_key) n FROM warehouse.contributions
        WHERE team_id <> repo_team_id AND authored_at >= DATE '2025-10-01' AND authored_at < DATE '2026-10-01'
        GROUP BY ALL ORDER BY n DESC""").fetchall()
    teams = dict(con.execute("SELECT team_id, short_name FROM warehouse.teams").fetchall())
    active = con.execute("""SELECT count(DISTINCT team_id) FROM warehouse.contributions
        WHERE authored_at >= DATE '2025-10-01' AND authored_at < DATE '2026-10-01'""").fetchone()[0]
    con.close()
    answer, _ = page_answer(at)
    moved = "up from" if f"{now:.0%}" != f"{then:.0%}" and now > then else "down from" if f"{now:.0%}" != f"{then:.0%}" else "the same as"
    assert answer.startswith(f"{now:.0%} of contributions crossed team lines in the last 12 months, {moved} {then:.0%} "
                             "a year earlier; ")
    n = pairs[0][2]
    # The pairs with the most people, each named in the order of its ids (as collab_links gives them), listed by name.
    tied = sorted((teams[a], teams[b]) for a, b, k in pairs if k == n)
    if len(tied) == 1:
        closest = f"most of all {tied[0][0]} and {tied[0][1]} ({n} people)"
    else:
        assert len(tied) <= 3, "the demo names its closest pairs"
        named = [f"{a} with {b}" for a, b in tied]
        closest = f"most of all {('two', 'three')[len(tied) - 2]} pairs with {n} people each: {', '.join(named[:-1])} and {named[-1]}"
    assert answer.endswith(f"{len(pairs)} of the {active * (active - 1) // 2} pairs of teams shared people, {closest}.")
    # For one team: its share, and the pairs it could be in (one with each other team).
    one = open_collaboration(demo_db, monkeypatch, team="AI Imaging")
    answer, _ = page_answer(one)
    con = warehouse.open_read_only(demo_db)
    total, crossed = con.execute("""SELECT count(*), count(*) FILTER (WHERE team_id <> repo_team_id)
        FROM warehouse.contributions WHERE team_id IS NOT NULL AND repo_team_id IS NOT NULL
          AND 'ai-imaging' IN (team_id, repo_team_id)
          AND authored_at >= DATE '2025-10-01' AND authored_at < DATE '2026-10-01'""").fetchone()
    con.close()
    mine = [p for p in pairs if "ai-imaging" in p[:2]]
    assert answer.startswith(f"{crossed / total:.0%} of contributions crossed team lines")
    assert f"; {len(mine)} of the {active - 1} pairs of teams shared people" in answer


def test_link_type_from_the_url(demo_db, monkeypatch):
    at = open_collaboration(demo_db, monkeypatch, link="Shared code")
    con = warehouse.open_read_only(demo_db)
    code = con.execute("""SELECT count(DISTINCT (least(u.team_id, o.team_id), greatest(u.team_id, o.team_id)))
        FROM warehouse.dependencies d JOIN warehouse.repo_packages p USING (ecosystem, package)
        JOIN warehouse.repositories u ON u.full_name = d.full_name JOIN warehouse.repositories o ON o.full_name = p.full_name
        WHERE u.team_id <> o.team_id""").fetchone()[0]
    con.close()
    assert code > 0 and drawn_edges(figure(at, 0)) == code


def test_bus_factor_list_names_people_only_when_allowed(demo_db, monkeypatch):
    at = open_collaboration(demo_db, monkeypatch)
    bus_table = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    assert len(bus_table.value) > 0 and (bus_table.value.bus_factor == 1).all()
    assert "key_person" not in bus_table.value.columns
    monkeypatch.setenv("DSA_SHOW_LOGINS", "true")
    at = open_collaboration(demo_db, monkeypatch)
    bus_table = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    con = warehouse.open_read_only(demo_db)
    logins = {login for (login,) in con.execute("SELECT github_login FROM warehouse.people WHERE github_login IS NOT NULL").fetchall()}
    con.close()
    named = {n for cell in bus_table.value.key_person for n in cell.split(", ")}
    assert named and named <= logins | {"(no GitHub account)"}


def test_every_control_of_the_page_opens_from_the_url(demo_db, monkeypatch):
    at = open_collaboration(demo_db, monkeypatch, link="Joint projects", flows_outside="false", bus_scope="Repository",
                            bus_min="100")
    assert at.segmented_control(key="link").value == "projects"
    assert at.toggle(key="flows_outside").value is False
    assert at.segmented_control(key="bus_scope").value == "repository"
    assert at.slider(key="bus_min").value == 100
    bus_table = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    assert (bus_table.value.commits_12m >= 100).all()


@pytest.mark.parametrize("teams", [[], ["ai-imaging"]])
def test_yearly_links_and_activity_equal_the_period_queries_run_year_by_year(demo_db_master, teams):
    """The yearly tables every build fills, read through the trend queries, give for every
    financial year exactly what collab_links and collab_team_activity give for that year."""
    con = warehouse.open_read_only(demo_db_master)
    end = dt.date(2026, 9, 30)
    yearly = queries.run(warehouse.cursor(con), "team_links_yearly", date_from=dt.date(2019, 4, 1), date_to=end, teams=teams)
    activity = queries.run(warehouse.cursor(con), "team_activity_yearly", date_from=dt.date(2019, 4, 1), date_to=end)
    checked = 0
    for year in range(2019, 2027):
        start, stop = dt.date(year, 4, 1), min(dt.date(year + 1, 3, 31), end)
        one = queries.run(warehouse.cursor(con), "collab_links", date_from=start, date_to=stop, teams=teams)
        got = yearly[pd.to_datetime(yearly.year_start).dt.date == start].drop(columns="year_start")
        key = ["link", "team_a_id", "team_b_id"]
        # Compared row by row: a year with no link gives two empty frames whose column types differ.
        assert got.sort_values(key).to_dict("records") == one.sort_values(key).to_dict("records"), year
        one_activity = queries.run(warehouse.cursor(con), "collab_team_activity", date_from=start, date_to=stop)
        got_activity = activity[pd.to_datetime(activity.year_start).dt.date == start]
        assert dict(zip(got_activity.team_id, got_activity.commits)) == dict(zip(one_activity.team_id, one_activity.commits))
        checked += len(one) + len(one_activity)
    con.close()
    assert checked > 30  # AI Imaging alone: its yearly activity and its few links


def test_results_stored_for_each_period_equal_the_analyses_run_live(demo_db_master):
    """Every build stores the BY_PERIOD analyses for each period the dashboard offers; read back
    (all teams, or one team where the rows name their teams) they are exactly what the analysis
    gives when run, row order and types included. Periods or filters the stored rows cannot
    answer give None, so the dashboard runs the analysis."""
    from analyses import periods, stored

    con = warehouse.open_read_only(demo_db_master)
    cur = warehouse.cursor(con)
    status = queries.run(cur, "data_status").iloc[0]
    offered = periods.available(status.first_commit_at.date(), status.data_as_of.date())
    kept = set(cur.execute("SELECT period_start, period_end FROM report_periods").fetchall())
    assert kept == {(p.start, p.end) for p in offered} and len(kept) >= 5
    checked = 0
    for name, (table, team_columns) in stored.BY_PERIOD.items():
        for period in offered:
            filters = [()] + ([("ai-imaging",)] if team_columns else [])
            for teams in filters:
                got = stored.read(cur, name, period.start, period.end, teams)
                params = {"date_from": period.start, "date_to": period.end, **({"teams": list(teams)} if teams else {})}
                want = queries.run(cur, name, **params)
                pd.testing.assert_frame_equal(got, want, obj=f"{name} {period.key} {teams}")
                checked += len(want)
    assert checked > 500
    some = offered[0]
    assert stored.read(cur, "collab_links", some.start, some.end - dt.timedelta(days=1)) is None
    assert stored.read(cur, "cross_team_repositories", some.start, some.end, ("ai-imaging",)) is None
    assert stored.read(cur, "bus_factor", some.start, some.end) is None
    # An analysis without a team filter, asked for one, is left to the analysis (which says so).
    assert stored.read(cur, "collab_team_activity", some.start, some.end, ("ai-imaging",)) is None
    con.close()


def test_strength_by_year_matches_the_network_measures_of_each_year(demo_db, monkeypatch):
    import streamlit as st

    from dashboard import collaboration_figures

    monkeypatch.setenv("DSA_DB", str(demo_db))
    st.cache_data.clear()
    end = dt.date(2026, 9, 30)
    trend = collaboration_figures.strength_by_year(end, (), "people")
    con = warehouse.open_read_only(demo_db)
    for year in range(2023, 2027):
        start = dt.date(year, 4, 1)
        if start > end:
            continue
        links = queries.run(warehouse.cursor(con), "collab_links", date_from=start, date_to=min(dt.date(year + 1, 3, 31), end))
        activity = queries.run(warehouse.cursor(con), "collab_team_activity", date_from=start, date_to=min(dt.date(year + 1, 3, 31), end))
        expected = network.measures(network.graph(activity, links[links.link == "people"]))
        label = f"FY {year}/{str(year + 1)[-2:]}" + (" (to date)" if dt.date(year + 1, 3, 31) > end else "")
        got = trend[trend.year == label]
        assert dict(zip(got.team, got.strength)) == dict(zip(expected.team, expected.strength)), label
        assert dict(zip(got.team, got.links)) == dict(zip(expected.team, expected.links)), label
    con.close()
    st.cache_data.clear()
