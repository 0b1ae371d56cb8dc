"""Text from records, repositories and files is shown as text: Markdown, HTML and Streamlit's own
syntax in it are neutralised, addresses in it are not made links, links go only to web
addresses with their host in view, and spreadsheet downloads never hold a formula."""
import io
import re

import openpyxl
import pandas as pd
import pytest

from dashboard import charts
from publish.text import JOINER, LINK_HOST, link, plain, safe_link, slug, spreadsheet_safe, spreadsheet_text, web_links

TRACKER_IMAGE = "![pix](https://tracker.example/t.png)"
NASTY_URL = "https://example.org/a)![x](https://tracker.example/p.png)[y](https://evil.example"
FORMULA = '=HYPERLINK("http://evil.example","click me")'


def shown(markdown: str) -> str:
    """What a reader sees of `plain`'s Markdown: escapes and entities read, line breaks as newlines."""
    text = re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def unescaped_markup(markdown: str) -> list[str]:
    """ASCII punctuation in `markdown` that Markdown would read as syntax: not escaped with a backslash
    and not part of an HTML entity that plain writes."""
    body = re.sub(r"&(lt|gt|amp);", "", markdown.replace("  \n", "\n"))
    return re.findall(r"(?<!\\)[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", body))


@pytest.mark.parametrize("text", [
    TRACKER_IMAGE, NASTY_URL, FORMULA, "`code` and ``more``", "<img src='https://tracker.example/i.png'>",
    "[x](javascript:alert(1))", "[y](data:text/html;base64,PHNjcmlwdD4=)", "**bold** _it_ ~~gone~~ # head",
    ":red[colour] :material/home: $x^2$ | a | b |", "<https://evil.example> www.evil.example me@evil.example",
])
def test_plain_leaves_no_markup_and_reads_as_written(text):
    markdown = plain(text)
    assert unescaped_markup(markdown) == []
    assert shown(markdown).replace(JOINER, "") == text


def test_html_is_escaped_so_it_shows_as_characters():
    assert plain("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;\\/script&gt;"


def test_addresses_in_text_are_kept_from_becoming_links():
    """Streamlit's Markdown makes links of bare addresses after reading escapes: a word joiner
    inside "https:", "www." and after "@" stops it."""
    markdown = plain("see https://evil.example, HTTP://evil.example, www.evil.example or me@evil.example")
    seen = shown(markdown)
    assert "https://" not in seen and "HTTP://" not in seen and "www." not in seen and "@evil" not in seen
    assert seen.replace(JOINER, "") == "see https://evil.example, HTTP://evil.example, www.evil.example or me@evil.example"


def test_line_breaks_survive_indentation_does_not_make_code_and_none_is_empty():
    assert plain("a\nb") == "a  \nb"
    assert plain("    indented\r\n\tline") == "indented  \nline"
    assert plain("Title\n===") == "Title  \n\\=\\=\\="  # not a heading
    assert plain(None) == "" and plain(float("nan")) == "" and plain(pd.NA) == ""


@pytest.mark.parametrize("url, host", [
    ("https://example.org", "example.org"),
    ("http://Example.ORG:8080/path?q=1&r=2#top", "example.org"),
    ("https://en.wikipedia.org/wiki/Foo_(bar)", "en.wikipedia.org"),
    ("  https://github.com/nhsx/repo  ", "github.com"),
    ("http://[::1]:8501/x", "[::1]"),
    ("https://example.org/%E2%9C%93", "example.org"),
])
def test_safe_link_accepts_web_addresses_and_names_their_host(url, host):
    assert safe_link(url) == (url.strip(), host)


@pytest.mark.parametrize("url", [
    NASTY_URL, "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA", "ftp://example.org/file", "//evil.example/x", "/relative/path", "example.org",
    "https://", "https://user:secret@example.org/", "https://example.org@evil.example/", "https://exa mple.org",
    "https://example.org/a b", "https://example.org/<img>", 'https://example.org/"x"', "https://example.org/`x`",
    "https://example.org/\\x", "https://example.org:99999/", "https://-bad-.example/", "https://évil.example/",
    "https://example.org/%zz", "https://example.org/[x]", "https://example.org/\nx", None, 42, float("nan"),
])
def test_safe_link_refuses_everything_else(url):
    assert safe_link(url) is None


def test_link_escapes_the_title_shows_the_host_and_keeps_parentheses_inside_the_address():
    assert link("Paper [v2]", "https://en.wikipedia.org/wiki/Foo_(bar)") == \
        "[Paper \\[v2\\]](https://en.wikipedia.org/wiki/Foo_%28bar%29) (en\\.wikipedia\\.org)"
    assert link("", "https://example.org/") == "[example\\.org](https://example.org/) (example\\.org)"


@pytest.mark.parametrize("url", [NASTY_URL, "javascript:alert(1)", "data:text/html,hi"])
def test_a_link_that_is_not_a_web_address_is_shown_as_text(url):
    markdown = link("Report", url)
    assert unescaped_markup(markdown) == ["(", ")"]  # only the parentheses around the address, as text
    assert shown(markdown).replace(JOINER, "") == f"Report ({url})"
    assert "](" not in markdown


def test_link_columns_keep_only_web_addresses_and_show_their_host():
    urls = pd.Series(["https://github.com/org/repo", "javascript:alert(1)", None, NASTY_URL, " http://x.example/a "])
    kept = [url if isinstance(url, str) else None for url in web_links(urls)]
    assert kept == ["https://github.com/org/repo", None, None, None, "http://x.example/a"]
    assert re.match(LINK_HOST, "https://github.com/org/repo").group(1) == "github.com"
    assert re.match(LINK_HOST, "http://x.example:8080/a").group(1) == "x.example"


def test_only_text_that_a_spreadsheet_reads_as_a_formula_gets_a_quote():
    for text in (FORMULA, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_text(text) == "'" + text
    for value in ("plain", "a=b", "", -5, -1.5, 0, None):
        assert spreadsheet_text(value) == value


def frame() -> pd.DataFrame:
    return pd.DataFrame({"package": [FORMULA, "pandas"], "change": [-3, 4], "share": [-0.5, 0.25],
                         "=evil()": ["x", "y"], "tags": [["=A1", "b"], []]})


def test_spreadsheet_safe_quotes_text_cells_and_headers_and_keeps_numbers_typed():
    out = spreadsheet_safe(frame())
    assert out.package.tolist() == ["'" + FORMULA, "pandas"]
    assert list(out.columns) == ["package", "change", "share", "'=evil()", "tags"]
    assert out.change.tolist() == [-3, 4] and str(out.change.dtype) == "int64"
    assert out.share.tolist() == [-0.5, 0.25]
    assert frame().package[0] == FORMULA  # the frame given is left as it was


def test_csv_download_holds_a_formula_as_text_and_negative_numbers_as_numbers():
    back = pd.read_csv(io.BytesIO(charts.csv(frame())))
    assert back.package.tolist() == ["'" + FORMULA, "pandas"]
    assert back.change.tolist() == [-3, 4] and back.change.dtype.kind == "i"
    assert "'=evil()" in back.columns


def test_excel_download_holds_a_formula_as_text_and_negative_numbers_as_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(charts.xlsx(frame(), "Library adoption: [all]"))).active
    assert sheet.title == "Library adoption- -all-"
    cells = {sheet.cell(1, c).value: [sheet.cell(r, c) for r in (2, 3)] for c in range(1, sheet.max_column + 1)}
    package, change, share = cells["package"], cells["change"], cells["share"]
    assert package[0].data_type != "f" and package[0].value == "'" + FORMULA
    assert change[0].data_type == "n" and change[0].value == -3
    assert share[0].data_type == "n" and share[0].value == -0.5
    assert "'=evil()" in cells
    tags = cells["tags"][0]  # a list is written as text, and its first item is not a formula either
    assert tags.data_type != "f" and tags.value == "'=A1, b"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_slug_joins_lower_case_words_with_single_hyphens():
    assert slug("Commits by team per month") == "commits-by-team-per-month"
    assert slug("  R&D -- <Pilot> 2026!") == "r-d-pilot-2026"
    assert slug("***") == ""
