"""The HTML parts of pages (dashboard.blocks): what they say, and that people's text stays text."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from dashboard import blocks
from publish import theme
from tests import html_text

STAGES = pd.DataFrame({
    "stage": ["idea", "discovery", "proof_of_concept", "pilot", "operational", "paused", "retired"],
    "label": ["Idea", "Discovery", "Proof of concept", "Pilot", "Operational", "Paused", "Retired"],
    "phase": ["idea", "R&D", "R&D", "pilot", "operational", "closed", "closed"],
    "ordinal": range(1, 8),
    "projects": [12, 30, 1204, 7, 0, 2, 5],
})


def newest(**changes) -> pd.DataFrame:
    row = {"project_id": "triage-model", "started_on": dt.date(2026, 9, 3), "title": "Triage <b>model</b> & co",
           "summary": "Ranks <i>referrals</i>.",
           "lead_team": "AI Skunkworks", "stage": "Pilot", "repositories": 1234}
    return pd.DataFrame([{**row, **changes}])


def test_stage_bars_list_every_stage_with_phase_totals_in_pathway_order():
    body = blocks.stage_bars(STAGES, label="By stage")
    rows, _ = html_text.rows(body, "By stage")
    assert rows == [["Stage", "Projects", ""],
                    ["Idea", "12", ""],
                    ["R&D", "1,234", ""], ["Discovery", "30", ""], ["Proof of concept", "1,204", ""],
                    ["Pilot", "7", ""], ["Operational", "0", ""],
                    ["Closed", "7", ""], ["Paused", "2", ""], ["Retired", "5", ""]]
    # Each bar is its stage's share of the largest, in the stage's colour; a zero has no bar.
    bars = re.findall(r'<span style="width: ([\d.]+)%; background: (#[0-9A-Fa-f]{6})"></span>', body)
    assert bars[0] == (f"{100 * 12 / 1204:.1f}", theme.STAGE_COLOURS["idea"])
    assert ("100.0", theme.STAGE_COLOURS["proof_of_concept"]) in bars
    assert len(bars) == 6 and theme.STAGE_COLOURS["operational"] not in {colour for _, colour in bars}


def test_stage_bars_with_no_projects_at_all_draw_no_bars():
    body = blocks.stage_bars(STAGES.assign(projects=0), label="By stage")
    rows, _ = html_text.rows(body, "By stage")
    assert [row[1] for row in rows[1:]] == ["0"] * 9  # seven stages, two phases
    assert "<span style" not in body


def test_newest_projects_show_titles_as_text_and_link_to_the_record_with_the_page_filters():
    body = blocks.newest_projects(newest(), link_params=[("team", "AI Imaging"), ("team", "DS Hub"),
                                                         ("period", "All time"), ("project", "Old one")],
                                  label="Newest")
    rows, links = html_text.rows(body, "Newest")
    assert rows == [["Started", "Project", "Lead team", "Stage", "Repos"],
                    ["3 Sep 2026", "Triage <b>model</b> & co Ranks <i>referrals</i>.", "AI Skunkworks", "Pilot", "1,234"]]
    assert "<b>" not in body and "<i>" not in body  # written as &lt;b&gt;: shown, never applied
    url = urlsplit(links[0])
    assert url.path == "projects"
    assert parse_qsl(url.query) == [("team", "AI Imaging"), ("team", "DS Hub"), ("period", "All time"),
                                    ("project", "triage-model")]  # the project by its id, never its title


def test_a_project_without_a_summary_has_no_empty_line():
    for missing in (None, float("nan"), "  "):
        body = blocks.newest_projects(newest(summary=missing), link_params=[], label="Newest")
        assert 'class="ai-note"' not in body
        assert html_text.rows(body, "Newest")[0][1][1] == "Triage <b>model</b> & co"


def test_headline_figures_name_each_value_and_what_it_counts():
    body = blocks.figures([("Projects", 12345, "started by 30 Sep 2026"), ("<Teams>", 8, "in the selection")],
                          label="Headline figures")
    rows, _ = html_text.rows(body, "Headline figures")
    assert rows == [["Projects", "12,345", "started by 30 Sep 2026"], ["<Teams>", "8", "in the selection"]]
    assert "<Teams>" not in body


def test_headline_figures_show_the_change_against_the_period_before_and_name_it():
    body = blocks.figures([("Projects", 40, "started", (30, "the previous 12 months", "1 Oct 2024 to 30 Sep 2025")),
                           ("Contributors", 51, "people", (55, "FY 2024/25", "1 Apr 2024 to 31 Mar 2025")),
                           ("Repositories", 7, "active", (7, "FY 2024/25", "1 Apr 2024 to 31 Mar 2025")),
                           ("Teams", 8, "chosen", None)], label="Headline figures")
    rows, _ = html_text.rows(body, "Headline figures")
    assert rows == [["Projects", "40", "▲ 10 on the previous 12 months", "started"],
                    ["Contributors", "51", "▼ 4 on FY 2024/25", "people"],
                    ["Repositories", "7", "No change on FY 2024/25", "active"],
                    ["Teams", "8", "chosen"]]
    assert re.findall(r'class="ai-change (ai-\w+)" title="([^"]*)"', body) == [
        ("ai-up", "Compared with 30 in 1 Oct 2024 to 30 Sep 2025"), ("ai-down", "Compared with 55 in 1 Apr 2024 to 31 Mar 2025"),
        ("ai-same", "Compared with 7 in 1 Apr 2024 to 31 Mar 2025")]


def activity(months: int, rows: list[dict], start: str = "2025-10-01") -> pd.DataFrame:
    """Rows as the team_activity query gives them, over `months` months from `start`."""
    dates = list(pd.date_range(start, periods=months, freq="MS").to_numpy())
    base = {"team_id": None, "team": None, "teams": 1, "unmapped": False, "contributors": 3, "repositories": 2}
    return pd.DataFrame([{**base, **row, "months": dates, "commits": sum(row["monthly"])} for row in rows])


def trends(body: str) -> list[dict]:
    """Each trend cell: what it says to screen readers and on hover, and its bars as drawn:
    (where the bar starts and how wide it is, as shares of the cell; its height in %; colour)."""
    out = []
    for said, hover, style in re.findall(r'<span class="ai-spark" role="img" aria-label="([^"]*)" title="([^"]*)" '
                                         r'style="background: ([^"]*)"></span>', body):
        bars = []
        for colour, position, width, height in re.findall(
                r"linear-gradient\((#\w{6}), \1\) ([\d.]+)% 100% / ([\d.]+)% (\d+)% no-repeat", style):
            share = float(width) / 100  # a layer at p% has its left edge at p% of (cell - layer)
            bars.append((round(float(position) / 100 * (1 - share), 3), share, int(height), colour))
        out.append({"said": said, "hover": hover, "bars": bars})
    return out


def test_team_activity_lists_all_teams_then_the_busiest_then_the_rest():
    rows = activity(12, [
        {"place": 0, "teams": 4, "unmapped": True, "monthly": [10] * 12, "contributors": 40, "repositories": 1500},
        {"place": 1, "team_id": "a", "team": "Skunk <works>", "monthly": [0] * 10 + [15, 60]},
        {"place": 2, "team_id": "unmapped", "team": "No team", "monthly": [3] * 12},
        {"place": 3, "teams": 2, "unmapped": False, "monthly": [1] * 12},
    ])
    body = blocks.team_activity(rows, all_label="All teams", label="Activity")
    found, _ = html_text.rows(body, "Activity")
    assert found == [["Team", "Commits", "Contributors", "Repositories", "Commits per month, Oct 2025 to Sep 2026"],
                     ["All teams", "120", "40", "1,500", ""],
                     ["Skunk <works>", "75", "3", "2", ""],
                     ["No team", "36", "3", "2", ""],
                     ["2 other teams", "12", "3", "2", ""]]
    assert "<works>" not in body  # a team's name is text, never markup
    every, skunk, *_ = trends(body)
    assert len(trends(body)) == 4
    # A bar a month, side by side across the cell with a gap between them, all full height when even.
    assert [start for start, *_ in every["bars"]] == [round(i / 12, 3) for i in range(12)]
    assert all(width == every["bars"][0][1] and 0.8 / 12 < width < 1 / 12 for _, width, _, _ in every["bars"])
    assert [height for *_, height, _ in every["bars"]] == [100] * 12
    # The rows of one team share one scale, the busiest team month (60) full height; a month
    # without commits has no bar. The rows adding teams up (all teams, the rest) have their own.
    assert [(start, height) for start, _, height, _ in skunk["bars"]] == [(round(10 / 12, 3), 25), (round(11 / 12, 3), 100)]
    no_team, rest = trends(body)[2:]
    assert [height for *_, height, _ in no_team["bars"]] == [5] * 12  # 3 of 60, not full height
    assert [height for *_, height, _ in rest["bars"]] == [100] * 12   # its own scale
    assert no_team["said"] == "3 commits in Oct 2025, 3 in Sep 2026; the most, 3, in Oct 2025"
    assert re.findall(r'<caption class="ai-scale">([^<]*)</caption>', body) == [
        "Team rows share one scale: the tallest is 60 commits (Skunk &lt;works&gt;, Sep 2026); "
        "the All teams row and the 2 other teams row each have their own, tallest 10 and 1."]
    assert skunk["said"] == "0 commits in Oct 2025, 60 in Sep 2026; the most, 60, in Sep 2026"
    assert skunk["hover"] == ("Commits: Oct 2025: 0; Nov 2025: 0; Dec 2025: 0; Jan 2026: 0; Feb 2026: 0; Mar 2026: 0; "
                              "Apr 2026: 0; May 2026: 0; Jun 2026: 0; Jul 2026: 0; Aug 2026: 15; Sep 2026: 60")
    # All teams in dark blue, each team in NHS Blue, the rest in grey.
    assert [trend["bars"][0][3] for trend in trends(body)] == [
        theme.NHS_DARK_BLUE, theme.NHS_BLUE, theme.NHS_BLUE, theme.NHS_MID_GREY]


def test_team_activity_names_the_rest_with_repositories_no_team_owns():
    rows = activity(12, [{"place": 0, "monthly": [2] * 12}, {"place": 11, "teams": 1, "unmapped": True, "monthly": [2] * 12}])
    found, _ = html_text.rows(blocks.team_activity(rows, all_label="All selected teams", label="A"), "A")
    assert [row[0] for row in found[1:]] == ["All selected teams", "1 other team and repositories with no team"]


def test_team_activity_adds_up_quarters_and_years_for_long_periods():
    quarterly = activity(25, [{"place": 0, "monthly": list(range(1, 26))}], start="2024-02-01")
    body = blocks.team_activity(quarterly, all_label="All teams", label="A")
    found, _ = html_text.rows(body, "A")
    assert found[0][-1] == "Commits per quarter, Feb–Apr 2024 to Feb 2026"  # the last quarter is one month so far
    (trend,) = trends(body)
    assert trend["hover"].startswith("Commits: Feb–Apr 2024: 6; May–Jul 2024: 15; ")
    assert trend["hover"].endswith("; Nov 2025–Jan 2026: 69; Feb 2026: 25")
    assert len(trend["bars"]) == 9 and trend["bars"][-1][2] == 36  # 25 of the busiest quarter's 69

    yearly = activity(100, [{"place": 0, "monthly": [1] * 100}], start="2017-11-01")
    body = blocks.team_activity(yearly, all_label="All teams", label="A")
    assert html_text.rows(body, "A")[0][0][-1] == "Commits per year, Nov 2017–Oct 2018 to Nov 2025–Feb 2026"
    assert [height for *_, height, _ in trends(body)[0]["bars"]] == [100] * 8 + [33]  # four months of twelve


def test_team_activity_with_no_commits_says_so_and_draws_nothing():
    body = blocks.team_activity(activity(3, [{"place": 0, "monthly": [0, 0, 0]}]), all_label="All teams", label="A")
    (trend,) = trends(body)
    assert trend["said"] == "No commits from Oct 2025 to Dec 2025" and trend["bars"] == []
    assert 'style="background: none"' in body


def test_headings_and_notes_are_text_with_an_id_to_link_to():
    assert blocks.heading("Activity by team") == '<h3 class="ai-h" id="activity-by-team">Activity by team</h3>'
    assert blocks.heading("R&D <now>") == '<h3 class="ai-h" id="r-d-now">R&amp;D &lt;now&gt;</h3>'
    assert blocks.note("Bots <b>left</b> out") == '<p class="ai-caption">Bots &lt;b&gt;left&lt;/b&gt; out</p>'
