"""Hostile text in a real browser: a record whose title, summary and output addresses carry
Markdown images and links, and a package named as a spreadsheet formula (tests/hostile_warehouse.py).
Chromium shows them as text, asks nothing of the hosts they name, and the chart downloads hold
the formula as text."""
from __future__ import annotations

import urllib.parse

import openpyxl
import pandas as pd
import pytest

from publish.text import JOINER
from tests import hostile_warehouse as hostile
from tests.test_browser import page, running_app, wait_for_app  # noqa: F401 (page is a fixture)

pytestmark = pytest.mark.browser

NAMED_HOSTS = (hostile.TRACKER, hostile.EVIL)


def wait_for_text(page, text: str) -> None:
    """Wait until the page's main area reads `text` (the invisible word joiners that keep
    addresses in text from becoming links aside)."""
    page.wait_for_function("""(text) => document.querySelector('[data-testid="stMain"]')
        .innerText.replaceAll('\\u2060', '').includes(text)""", arg=text, timeout=60_000)


def headings(page) -> list[str]:
    return [t.replace(JOINER, "") for t in page.locator('[data-testid="stMain"] h2').all_inner_texts()]


def test_a_hostile_record_shows_as_text_and_the_browser_asks_nothing_of_its_hosts(tmp_path, page):
    db = hostile.build(tmp_path / "w.duckdb")
    requested = []
    page.context.on("request", lambda request: requested.append(request.url))
    with running_app(db) as (url, _):
        page.goto(f"{url}/projects?project={urllib.parse.quote_plus(hostile.TITLE)}&period=All+time")
        wait_for_app(page)
        wait_for_text(page, "Paper ![o](https://tracker.example/o.png)")
        assert hostile.TITLE in headings(page)  # the title as written, as text
        wait_for_text(page, hostile.PROJECT["summary"])
        page.wait_for_timeout(1000)  # time for any image or frame the page would load
        for other in ("repositories", "tech_stack"):
            page.goto(f"{url}/{other}?period=All+time")
            wait_for_app(page)
            page.wait_for_timeout(1000)

        page.goto(f"{url}/projects?project={urllib.parse.quote_plus(hostile.TITLE)}&period=All+time")
        wait_for_app(page)
        wait_for_text(page, "Good [one]")
        hrefs = page.evaluate("[...document.querySelectorAll('[data-testid=stMain] a')].map((a) => a.href)")
        sources = page.evaluate("[...document.querySelectorAll('[data-testid=stMain] [src]')].map((e) => e.src)")

    assert any(u.startswith(url) for u in requested)  # the listener saw the page's own requests
    assert [u for u in requested if urllib.parse.urlsplit(u).hostname in NAMED_HOSTS] == []
    assert [h for h in hrefs if urllib.parse.urlsplit(h).hostname in NAMED_HOSTS
            or not h.startswith(("http://", "https://"))] == []
    assert "https://example.org/wiki/Foo_%28bar%29" in hrefs  # the one web address among the outputs is a link
    assert [s for s in sources if urllib.parse.urlsplit(s).hostname in NAMED_HOSTS] == []


def test_a_package_named_as_a_formula_downloads_as_text(tmp_path, page):
    """The Tech stack page's library adoption chart: its CSV and Excel data hold the package name
    `=HYPERLINK(...)` as text (a quote in front), never as a formula; counts stay numbers."""
    db = hostile.build(tmp_path / "w.duckdb")
    with running_app(db) as (url, _):
        page.goto(f"{url}/tech_stack?period=All+time")
        wait_for_app(page)
        page.locator(".st-key-adoption_chart_export button").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Export: Library adoption").wait_for()
        with page.expect_download(timeout=30_000) as csv_download:
            dialog.get_by_role("button", name="Data (CSV)").click()
        csv_file = tmp_path / "adoption.csv"
        csv_download.value.save_as(csv_file)
        with page.expect_download(timeout=30_000) as xlsx_download:
            dialog.get_by_role("button", name="Data (Excel)").click()
        xlsx_file = tmp_path / "adoption.xlsx"
        xlsx_download.value.save_as(xlsx_file)

    table = pd.read_csv(csv_file)
    assert "'" + hostile.FORMULA in table.Package.tolist()
    assert not table.Package.str.startswith(("=", "+", "-", "@")).any()
    assert table.Repositories.dtype.kind == "i"

    sheet = openpyxl.load_workbook(xlsx_file).active
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    package = next(row[header.index("Package")] for row in rows if "HYPERLINK" in str(row[header.index("Package")].value))
    assert package.data_type != "f" and package.value == "'" + hostile.FORMULA
    assert all(row[header.index("Repositories")].data_type == "n" for row in rows)
    assert all(cell.data_type != "f" for row in rows for cell in row)
