"""Record text is shown as text: HTML and Markdown in it are neutralised."""
from publish.text import plain, slug


def test_html_is_escaped_so_it_shows_as_characters():
    assert plain("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"


def test_markdown_syntax_is_neutralised():
    assert plain("**bold** [link](http://x) # head") == "\\*\\*bold\\*\\* \\[link\\]\\(http\\://x\\) \\# head"


def test_line_breaks_survive_and_none_is_empty():
    assert plain("a\nb") == "a  \nb"
    assert plain(None) == ""


def test_slug_joins_lower_case_words_with_single_hyphens():
    assert slug("Commits by team per month") == "commits-by-team-per-month"
    assert slug("  R&D -- <Pilot> 2026!") == "r-d-pilot-2026"
    assert slug("***") == ""
