"""The annual report, case studies and chart exports: self-contained HTML that works offline,
PDFs printed by Chromium, figures that match the warehouse."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import duckdb
import pandas as pd
import plotly.express as px
import pytest

from dashboard import charts
from etl import config, warehouse
from publish import exports, report

PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def etl(*args, **env):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


class Resources(HTMLParser):
    """Every URL the page would load: script, stylesheet, image, frame, media, CSS url() and @import."""

    def __init__(self):
        super().__init__()
        self.loaded, self.links, self.scripts, self._in_style = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "srcset", "data", "poster"):
            if attrs.get(name):
                self.loaded.append(attrs[name])
        if tag == "link" and attrs.get("href"):
            self.loaded.append(attrs["href"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.loaded += re.findall(r"url\(\s*['\"]?([^'\")]+)", data) + re.findall(r"@import\s+['\"]([^'\"]+)", data)
        for attr in re.findall(r"style=['\"][^'\"]*url\(([^)]+)\)", data):
            self.loaded.append(attr)


def resources(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def written(demo_db_master, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    done = etl("report", "--db", str(demo_db_master), "--out", str(out / "report.html"), "--pdf", str(out / "report.pdf"))
    assert done.returncode == 0, done.stderr
    return out


def test_report_html_loads_nothing_from_the_network(written):
    html = (written / "report.html").read_text()
    found = resources(html)
    assert [u for u in found.loaded if re.match(r"(?i)(https?:)?//", u)] == []
    assert found.loaded == []  # nothing loaded at all: scripts and styles are inline
    assert len(found.scripts) >= 1 and all("src" not in s for s in found.scripts)
    assert html.count("plotly.js v") == 1  # plotly.js inlined once, however many charts
    assert html.count("Plotly.newPlot(") >= 3
    assert any(link.startswith("https://example.org/") for link in found.links)  # links in the text stay links


def test_report_defaults_to_the_last_complete_financial_year_and_counts_match(written, demo_db_master):
    html = (written / "report.html").read_text()
    assert "annual report, financial year 2025/26" in html and "1 Apr 2025 to 31 Mar 2026" in html
    con = duckdb.connect(str(demo_db_master), read_only=True)
    started = con.execute("""SELECT count(*) FROM (SELECT project_id, min(entered_on) AS first FROM project_stages
                             GROUP BY 1) WHERE first BETWEEN DATE '2025-04-01' AND DATE '2026-03-31'""").fetchone()[0]
    commits = con.execute("""SELECT count(*) FROM commits c JOIN people p USING (person_key) WHERE NOT p.is_bot
                             AND c.authored_at >= DATE '2025-04-01' AND c.authored_at < DATE '2026-04-01'""").fetchone()[0]
    con.close()
    cards = dict((label, int(n.replace(",", ""))) for n, label in
                 re.findall(r"<span class='n'>([\d,]+)</span><span>([^<]+)</span>", html))
    assert cards["Started in the period"] == started > 0
    assert cards["Commits"] == commits
    assert f"<h3>Started in the period ({started})</h3>" in html
    for section in ("The year in numbers", "Projects and the pathway", "Tech stack", "Collaboration", "Teams",
                    "Case studies"):
        assert f"<h2>{section}" in html


def test_report_pdf_has_several_pages(written):
    pdf = (written / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(PAGE.findall(pdf)) > 1


def pdf_pages(path) -> list[str]:
    """The text of each page of a PDF, as poppler's pdftotext reads it."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def test_report_pdf_is_numbered_on_every_page_and_opens_with_contents(written):
    pages = pdf_pages(written / "report.pdf")
    assert len(pages) > 3
    for number, text in enumerate(pages, 1):
        footer = text.strip().splitlines()[-1]
        assert re.search(rf"Page {number} of {len(pages)}$", footer), footer
        assert "annual report, financial year 2025/26 · Synthetic demo data" in footer  # the demo mark on every page
    first = " ".join(pages[0].split())
    assert "Synthetic demo data. The teams, projects and repositories in this report are invented" in first
    contents = first.split("Contents", 1)[1]
    for number, section in enumerate(["The year in numbers", "Projects and the pathway", "Tech stack",
                                      "Collaboration", "Teams", "Case studies"], 1):
        assert f"{number}. {section}" in contents, section


def test_report_pdf_draws_charts_as_images_without_a_toolbar(written, demo_db_master):
    made = report.annual(warehouse.open_read_only(demo_db_master))
    printed = made.print_html()
    assert "<script" not in printed
    assert "modebar-btn" not in printed and "Plotly.newPlot" not in printed
    assert printed.count("<img alt=") == len(made.figures) >= 3 and printed.count("data:image/svg+xml;base64,") >= 3
    assert all(u.startswith("data:image/svg+xml;base64,") for u in resources(printed).loaded)  # in the page
    words = " ".join(pdf_pages(written / "report.pdf"))
    assert not re.search(r"Download plot|Zoom in|Autoscale|Reset axes|Toggle Spike|Produced with Plotly", words, re.I)
    info = subprocess.run(["pdfinfo", str(written / "report.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"^JavaScript:\s+no$", info, re.M) and re.search(r"^Tagged:\s+yes$", info, re.M)
    html = (written / "report.html").read_text()
    assert '"displayModeBar": false' in html and len(html) < 2_000_000  # the partial plotly.js, once


def test_report_for_a_chosen_period(demo_db_master, tmp_path):
    done = etl("report", "--db", str(demo_db_master), "--from", "2024-01-01", "--to", "2024-06-30",
               "--out", str(tmp_path / "r.html"))
    assert done.returncode == 0, done.stderr
    assert "1 Jan 2024 to 30 Jun 2024" in (tmp_path / "r.html").read_text()
    backwards = etl("report", "--db", str(demo_db_master), "--from", "2024-06-30", "--to", "2024-01-01",
                    "--out", str(tmp_path / "x.html"))
    assert backwards.returncode == 2 and "starts (2024-06-30) after it ends (2024-01-01)" in backwards.stderr


def test_case_study_is_one_page_from_the_record(demo_db_master, tmp_path):
    con = duckdb.connect(str(demo_db_master), read_only=True)
    pid, title, summary = con.execute("SELECT project_id, title, summary FROM projects WHERE current_stage = 'operational' "
                                      "ORDER BY project_id LIMIT 1").fetchone()
    con.close()
    done = etl("case-study", pid, "--db", str(demo_db_master), "--out", str(tmp_path / "c.html"),
               "--pdf", str(tmp_path / "c.pdf"))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "c.html").read_text()
    assert title in html and summary in html
    assert resources(html).loaded == []
    assert "<strong>Synthetic demo data.</strong> This project, its team and its repositories are invented" in html
    (page,) = pdf_pages(tmp_path / "c.pdf")
    assert "Synthetic demo data. This project" in " ".join(page.split())
    assert re.search(r"Case study: .+ · Synthetic demo data +Page 1 of 1$", page.strip().splitlines()[-1])
    missing = etl("case-study", "no-such-project", "--db", str(demo_db_master), "--out", str(tmp_path / "n.html"))
    assert missing.returncode == 2 and "no project 'no-such-project'" in missing.stderr


def test_without_a_browser_the_pdf_is_refused_clearly_and_the_html_still_written(demo_db_master, tmp_path):
    done = etl("case-study", "ds-toolkit", "--db", str(demo_db_master), "--out", str(tmp_path / "c.html"),
               "--pdf", str(tmp_path / "c.pdf"), BROWSER_PATH=str(tmp_path / "no-browser"))
    assert done.returncode == 2
    assert "the PDF of the case study needs a Chromium or Chrome browser" in done.stderr
    assert (tmp_path / "c.html").exists() and not (tmp_path / "c.pdf").exists()


def test_last_complete_financial_year():
    assert report.last_complete_financial_year(dt.date(2026, 9, 30)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert report.last_complete_financial_year(dt.date(2026, 3, 31)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert report.last_complete_financial_year(dt.date(2026, 3, 30)) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def test_chart_exports_csv_excel_and_offline_html():
    data = pd.DataFrame({"team": ["A", "B"], "commits": [3, 5],
                         "when": pd.to_datetime(["2025-01-01", "2025-02-01"]).tz_localize("UTC"),
                         "people": [["p_1", "p_2"], ["p_3"]]})
    fig = px.bar(data, x="team", y="commits")
    assert pd.read_csv(io.BytesIO(charts.csv(data))).commits.tolist() == [3, 5]
    back = pd.read_excel(io.BytesIO(charts.xlsx(data, "Commits by team")))
    assert back.people.tolist() == ["p_1, p_2", "p_3"] and back.when.dt.year.tolist() == [2025, 2025]
    about = exports.Context("Commits <by> team", "All teams · All time: 1 Jan 2024 to 30 Sep 2026", "all-teams_all-time",
                            dt.date(2026, 9, 30))
    page = charts.html(fig, about).decode()
    assert "<title>Commits &lt;by&gt; team</title>" in page
    assert resources(page).loaded == [] and page.count("plotly.js v") == 1


def test_png_and_svg_images_are_printed_by_the_system_browser():
    fig = px.bar(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}), x="x", y="y")
    fig.update_layout(height=300)
    png = charts.image(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (2400, 600)
    assert charts.image(fig, "svg").lstrip().startswith(b"<svg")


def test_report_from_the_warehouse_api_refuses_an_empty_warehouse(tmp_path):
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    warehouse.apply_schema(con)
    con.close()
    reader = warehouse.open_read_only(path)
    with pytest.raises(ValueError, match="no successful ETL run"):
        report.annual(reader)
    reader.close()


def test_reports_page_offers_the_last_complete_year_and_case_studies(demo_db, monkeypatch):
    import streamlit as st

    from tests.test_pages import app, page

    st.cache_data.clear()
    at = app(demo_db, monkeypatch)
    at.switch_page(page("reports.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="report_year").value == "fy-2025-26"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Annual report (HTML)", "Annual report (PDF)", "Case study (HTML)", "Case study (PDF)"]
    chosen = app(demo_db, monkeypatch, report_year="FY 2024/25", case_project="Data science toolkit")
    chosen.switch_page(page("reports.py")).run()
    assert chosen.selectbox(key="report_year").value == "fy-2024-25"  # a link by names opens the same choice
    assert chosen.selectbox(key="case_project").value == "ds-toolkit"
    assert chosen.query_params == {"report_year": "fy-2024-25", "case_project": "ds-toolkit"}  # now by ids


def test_table_downloads_are_headed_as_on_screen_and_hold_no_formula(tmp_path):
    import openpyxl
    import streamlit as st

    data = pd.DataFrame({"team_id": ["t1", "t2"], "package": ['=HYPERLINK("http://evil.example","x")', "pandas"],
                         "repos": [-3, 12], "note": ["+1 on this", "ok"]})
    config = {"team_id": None, "package": "Package", "repos": st.column_config.NumberColumn("Repositories")}
    shown = charts.as_shown(data, config, ["package", "repos", "note", "team_id"])
    assert list(shown.columns) == ["Package", "Repositories", "note"]  # hidden columns left out, labels as shown
    back = pd.read_csv(io.BytesIO(charts.csv(shown)))
    assert back.Package.tolist() == ['\'=HYPERLINK("http://evil.example","x")', "pandas"]
    assert back.Repositories.tolist() == [-3, 12] and back.note.tolist() == ["'+1 on this", "ok"]
    book = tmp_path / "t.xlsx"
    book.write_bytes(charts.xlsx(shown, "Tech stack"))
    sheet = openpyxl.load_workbook(book).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=HYPERLINK")
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"


def test_streamlit_s_own_table_download_is_switched_off():
    """Its CSV writes cells as they are; tables offer charts.table's download instead."""
    import tomllib

    settings = tomllib.loads((config.ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["disableDataExport"] is True
    pages = "\n".join(p.read_text() for p in (config.ROOT / "pages").glob("*.py"))
    assert "st.dataframe(" not in pages + (config.ROOT / "app.py").read_text()


def test_tags_in_data_values_are_drawn_as_text_not_markup():
    """A package named with an HTML link: Plotly would draw a live link; the figure shows its text."""
    from publish import theme

    evil = '<a href="http://evil.example">pandas</a>'
    data = pd.DataFrame({"package": [evil, "numpy"], "teams": [3, 5]})
    fig = px.bar(data, x="package", y="teams", hover_data={"package": True}, text="package")
    fig.update_xaxes(categoryorder="array", categoryarray=[evil, "numpy"])
    theme.for_browser(fig)
    spec = fig.to_plotly_json()
    drawn = json.dumps(spec["data"]) + json.dumps(spec["layout"]["xaxis"])
    assert "<a href" not in drawn
    assert r'&lt;a href=\"http://evil.example\"&gt;pandas&lt;/a&gt;' in drawn
    assert list(spec["data"][0]["x"]) == list(spec["layout"]["xaxis"]["categoryarray"])  # still matching
    assert "<br>" in spec["data"][0]["hovertemplate"] or "<" not in spec["data"][0]["hovertemplate"]  # page markup kept


def test_with_many_teams_the_report_lists_the_strongest_pairs_instead_of_a_matrix(monkeypatch):
    """Forty teams make a matrix no page can hold: the report lists the 15 pairs sharing the most people."""
    teams = [f"Team {i:02d}" for i in range(40)]
    activity = pd.DataFrame({"team_id": [t.lower() for t in teams], "team": teams, "commits": range(40)})
    pairs = [(a, b) for i, a in enumerate(teams) for b in teams[i + 1:i + 3]]
    links = pd.DataFrame({"link": "people", "team_a": [a for a, _ in pairs], "team_b": [b for _, b in pairs],
                          "team_a_id": [a.lower() for a, _ in pairs], "team_b_id": [b.lower() for _, b in pairs],
                          "weight": [1000 + (7 * n) % 97 for n in range(len(pairs))]})
    found = {"collab_links": links, "collab_team_activity": activity,
             "cross_team_repositories": pd.DataFrame({"full_name": []}),
             "cross_team_projects": pd.DataFrame({"title": []})}
    monkeypatch.setattr(report.queries, "run", lambda con, name, **params: found[name])
    figures = report._Figures()
    html = report._collaboration(None, {"date_from": dt.date(2025, 4, 1), "date_to": dt.date(2026, 3, 31)}, figures)
    assert figures.shown == []  # no matrix
    assert f"The 15 pairs of teams sharing the most contributors, of {len(pairs)}:" in html
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", html)
    shared = [int(n.replace(",", "")) for _, _, n in rows]
    assert len(rows) == 15 and shared == sorted(shared, reverse=True) and shared[0] == links.weight.max()
    assert rows[0][2] == f"{links.weight.max():,}"  # thousands separated
    assert "1 connected group of teams" in html and "group(s)" not in html


def test_a_chart_by_team_shows_the_fifteen_largest_and_says_what_the_rest_add_up_to():
    frame = pd.DataFrame({"team": [f"Team {i:02d}" for i in range(40) for _ in range(2)],
                          "language": ["Python", "R"] * 40,
                          "repositories": [n for i in range(40) for n in (i + 1, 1)]})
    shown, note = report._top_teams(frame, "repositories")
    assert shown.team.nunique() == 15 and shown.team.iloc[-1] == "Team 39"  # the largest last: at the top of the bars
    assert set(shown.team) == {f"Team {i:02d}" for i in range(25, 40)}
    rest = sum(i + 2 for i in range(25))
    assert note == f"; the 15 teams with the most repositories are shown, the other 25 have {rest:,} repositories between them"
    small = frame[frame.team.isin(["Team 01", "Team 02"])]
    kept, note = report._top_teams(small, "repositories")
    assert kept.equals(small) and note == ""
