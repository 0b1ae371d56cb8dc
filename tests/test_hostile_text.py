"""Pages over a warehouse holding hostile text (tests/hostile_warehouse.py), headless under
AppTest: every value from a record or a repository reaches Streamlit's Markdown as escaped text,
with no image or link to the hosts it names; links are built only from web addresses. The case
study of such a record escapes it and links only its web addresses."""
from __future__ import annotations

import html
import re

import duckdb
import pandas as pd
import pytest

from publish import report
from publish.text import JOINER, plain
from tests import hostile_warehouse as hostile
from tests.test_pages import PAGES, app, fresh_caches, page  # noqa: F401 (fresh_caches is a fixture)
from tests.test_report import resources
from tests.test_text import shown

MARKDOWN_KINDS = ("markdown", "header", "subheader", "title", "caption", "warning", "info", "error", "success")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("hostile") / "w.duckdb")


def rendered_markdown(at) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown: text elements, alerts, metric
    labels, values and help, tab and expander labels."""
    found = [e.value for kind in MARKDOWN_KINDS for e in at.get(kind)]
    for m in at.metric:
        found += [m.label, m.value, m.proto.help]
    found += [t.label for t in at.tabs] + [e.label for e in at.expander]
    return [s for s in found if s]


def markup_to(markdown: str, hosts=(hostile.TRACKER, hostile.EVIL)) -> list[str]:
    """What in `markdown` could make an image or a link: image syntax, raw HTML, or one of `hosts`
    written where Markdown would read it (not escaped, not broken by a word joiner)."""
    live = re.sub(r"\\.", "", markdown).replace(JOINER, "\0")  # escaped characters are text
    problems = re.findall(r"!\[|<[a-zA-Z/]", live)
    return problems + [host for host in hosts if host in live]


def test_a_hostile_record_shows_as_text_on_the_projects_page(hostile_db, monkeypatch):
    at = app(hostile_db, monkeypatch, project=hostile.TITLE, period="All time")
    at.switch_page(page("projects.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    texts = rendered_markdown(at)
    assert [(s, markup_to(s)) for s in texts if markup_to(s)] == []

    assert [h.value for h in at.main.get("header")] == [plain(hostile.TITLE)]
    assert shown(plain(hostile.TITLE)).replace(JOINER, "") == hostile.TITLE
    everything = "\n".join(shown(s).replace(JOINER, "") for s in texts)
    for value in (hostile.PROJECT["summary"], "![desc](https://tracker.example/d.png)", hostile.PROJECT["origin"],
                  hostile.PROJECT["operational_owner"], "Paper ![o](https://tracker.example/o.png)"):
        assert value in everything, value

    outputs = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(outputs) == 4
    links = [target for o in outputs for target in re.findall(r"(?<!\\)\]\((\S+?)\)", o)]
    assert links == ["https://example.org/wiki/Foo_%28bar%29"]  # the one web address, and only it
    good = next(o for o in outputs if "Good" in o)
    assert good.endswith("[Good \\[one\\]](https://example.org/wiki/Foo_%28bar%29) (example\\.org)")
    nasty = next(o for o in outputs if "Paper" in o)
    assert shown(nasty).replace(JOINER, "").endswith(f"({hostile.NASTY_URL})")  # the address, as text

    repos = next(d.value for d in at.dataframe if "full_name" in d.value.columns and "loaded" in d.value.columns)
    urls = dict(zip(repos.full_name, repos.url))
    assert pd.isna(urls["org/h1"]) and urls["org/a1"] == "https://github.com/org/a1"


def test_repositories_link_only_to_web_addresses(hostile_db, monkeypatch):
    at = app(hostile_db, monkeypatch, period="All time")
    at.switch_page(page("repositories.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value
    urls = dict(zip(table.full_name, table.html_url))
    assert "org/h1" in urls and pd.isna(urls["org/h1"])
    assert table.set_index("full_name").description["org/h1"] == "![repo](https://tracker.example/r.png)"  # a cell: text


@pytest.mark.parametrize("script", PAGES, ids=lambda p: p.rsplit("/", 1)[-1])
def test_no_page_renders_markup_from_hostile_values(hostile_db, monkeypatch, script):
    at = app(hostile_db, monkeypatch, period="All time")
    at.switch_page(script).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [(s, markup_to(s)) for s in rendered_markdown(at) if markup_to(s)] == []


def test_the_case_study_of_a_hostile_record_escapes_it_and_links_only_web_addresses(hostile_db):
    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        page = report.case_study(con, "hostile").html
    finally:
        con.close()
    found = resources(page)
    assert found.loaded == []
    # The output, the repository with a web address, and the output again as the full case study;
    # not the javascript: and data: addresses, nor the one with Markdown in it.
    assert found.links == [hostile.GOOD_URL, "https://github.com/org/a1", hostile.GOOD_URL]
    assert f"<a href='{hostile.GOOD_URL}'>Good [one]</a> (example.org)" in page
    assert f"<h1>{html.escape(hostile.TITLE)}</h1>" in page
    assert "<img" not in page and "<script src" not in page and "<iframe" not in page
    assert f'content="{report.CONTENT_POLICY}"' in page and "default-src 'none'" in report.CONTENT_POLICY
