"""The HTML parts of pages (dashboard.blocks): what they say, and that people's text stays text."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from dashboard import blocks, theme
from tests import html_text

STAGES = pd.DataFrame({
    "stage": ["idea", "discovery", "proof_of_concept", "pilot", "operational", "paused", "retired"],
    "label": ["Idea", "Discovery", "Proof of concept", "Pilot", "Operational", "Paused", "Retired"],
    "phase": ["idea", "R&D", "R&D", "pilot", "operational", "closed", "closed"],
    "ordinal": range(1, 8),
    "projects": [12, 30, 1204, 7, 0, 2, 5],
})


def newest(**changes) -> pd.DataFrame:
    row = {"started_on": dt.date(2026, 9, 3), "title": "Triage <b>model</b> & co", "summary": "Ranks <i>referrals</i>.",
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
                                    ("project", "Triage <b>model</b> & co")]


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
