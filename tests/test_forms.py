"""The project submission form (dashboard/forms.py) as GOV.UK's error-summary pattern has it:
a box at the top, "There is a problem", listing each problem in the words of the labels people
saw, each a link to its field, and the same message beside the field."""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest
import streamlit as st

from dashboard import forms
from etl.records import checks
from etl.records.errors import Problem
from tests.test_pages import app, page


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _html(at) -> str:
    return "".join(h.value for h in at.html)


def error_summary(at) -> list[tuple[str, str]]:
    """(the field's widget key, the message) of each link in the error summary, in order."""
    body = _html(at)
    box = re.search(r'<div class="ai-error-summary"[^>]*><h2[^>]*>There is a problem</h2><ul>(.*?)</ul></div>', body)
    if not box:
        return []
    return [(key, html.unescape(text)) for key, text in re.findall(r'<li><a href="#error-(\w+)">(.*?)</a></li>', box[1])]


def beside(at) -> dict[str, list[str]]:
    """The messages shown under each field, by the field's widget key (each an anchor the summary links to)."""
    return {key: [html.unescape(m) for m in re.findall(r'<span class="ai-hidden">Error: </span>([^<]*)', text)]
            for key, text in re.findall(r'<p class="ai-field-error" id="error-(\w+)">(.*?)</p>', _html(at))}


@pytest.fixture
def form(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("projects.py")).run()
    assert not at.exception
    return at


def fill(at, **values):
    """Type into the form's text fields by widget key."""
    for key, value in values.items():
        widget = next((w for w in [*at.text_input, *at.text_area] if w.key == key), None)
        assert widget is not None, key
        widget.input(value)


def check(at):
    at.get("form_submit_button")[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_problems_are_listed_at_the_top_in_the_words_of_the_labels_and_repeated_beside_each_field(form):
    fill(form, form_title="Bed forecast two", form_summary="Forecasts beds.", form_hours="lots",
         form_orgs="2.5", form_years_from="1990", form_repos="not a repo\nhttps://github.com/a/b\nhttps://github.com/a/b")
    check(form)
    summary = error_summary(form)
    assert summary == [
        ("form_lead", "Choose the lead team"),
        ("form_years_from", "First active year must be a year from 2000 to 2100, like 2021"),
        ("form_repos", "Repositories, line 1: the repository 'not a repo' is not a repository address "
                       "(https://HOST/OWNER/NAME)"),
        ("form_repos", "Repositories, line 3: this is listed twice: give each once"),
        ("form_hours", "Hours saved a year must be a number, like 1,200"),
        ("form_orgs", "Organisations using must be a whole number, like 14"),
    ]
    body = _html(form)
    assert "impact.hours_saved_per_year" not in body and "expected a number" not in body  # no program output
    assert not form.error  # the old red box under the form is gone
    # Each message also stands under its field, where the summary's link leads.
    assert beside(form) == {"form_lead": ["Choose the lead team"],
                            "form_years_from": ["First active year must be a year from 2000 to 2100, like 2021"],
                            "form_repos": [m for k, m in summary if k == "form_repos"],
                            "form_hours": ["Hours saved a year must be a number, like 1,200"],
                            "form_orgs": ["Organisations using must be a whole number, like 14"]}
    # The summary comes before every field of the form.
    assert body.index("There is a problem") < body.index('id="error-form_lead"')
    assert [h for h in form.html if "There is a problem" in h.value][0].proto.body  # drawn, not hidden
    assert ".st-key-form_hours" in body  # the field is marked with a red bar, as GOV.UK marks one


def test_the_lead_team_is_not_chosen_for_you(form):
    lead = form.selectbox(key="form_lead")
    assert lead.value is None and lead.proto.placeholder == "Choose a team"


def test_the_id_follows_the_title_until_it_is_changed(form):
    form.text_input(key="form_title").input("Synthetic A&E data: phase 2").run()
    assert form.text_input(key="form_id").value == "synthetic-a-e-data-phase-2"
    form.text_input(key="form_title").input("Synthetic A&E data, phase two").run()
    assert form.text_input(key="form_id").value == "synthetic-a-e-data-phase-two"
    form.text_input(key="form_id").input("sae-2").run()
    form.text_input(key="form_title").input("Something else").run()
    assert form.text_input(key="form_id").value == "sae-2"  # the id someone typed stays


def test_an_id_already_in_use_is_refused_with_the_project_that_has_it(form, demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    pid, title = con.execute("SELECT project_id, title FROM projects ORDER BY project_id LIMIT 1").fetchone()
    con.close()
    fill(form, form_title="Something new", form_summary="Does a thing.", form_id=pid)
    form.selectbox(key="form_lead").select("ai-skunkworks")
    check(form)
    assert error_summary(form) == [("form_id", f"Id {pid} is already the id of {title}: choose another")]
    assert not form.get("download_button")


def test_a_record_that_passes_is_offered_to_download_and_stays_after_a_rerun(form):
    fill(form, form_title="New triage model", form_summary="Ranks referrals by urgency.",
         form_repos="https://github.com/nhsx/new-triage-model", form_hours="1,200")
    form.selectbox(key="form_lead").select("ai-skunkworks")
    check(form)
    assert error_summary(form) == [] and beside(form) == {}
    assert "id: new-triage-model" in form.code[0].value and "hours_saved_per_year: 1200" in form.code[0].value
    form.run()  # clicking the download reruns the page: the record is still there
    assert len(form.get("download_button")) == 1


@pytest.mark.parametrize("field, message, said", [
    ("title", "required field is missing (text)", ("form_title", "Enter the title")),
    ("summary", "'a\\nb' has a line break; the summary is one line (put more in description)",
     ("form_summary", "One-line summary must be on one line; put more in the description")),
    ("id", "'x' is 120 characters long; expected at most 100",
     ("form_id", "Id must be 100 characters or fewer; it has 120")),
    ("stages", "the list is empty; expected at least one dated stage (...)",
     ("form_stages", "Add at least one stage, with the date the project entered it")),
    ("stages[2].date", "2021-01-01 is not after 2022-01-01, the date of stages[1] (stage dates must rise)",
     ("form_stages", "Stages, row 2: the date must be after the date of row 1: stages are listed oldest first")),
    ("stages[3].stage", "'idea' cannot follow 'pilot' (stages[2]): stages go forward ...",
     ("form_stages", "Stages, row 3: this stage cannot follow the stage of row 2: a project moves forward along "
                     "the pathway, and goes back or repeats a stage only after it was paused or retired")),
    ("stages[1].date", "required field is missing (a date, YYYY-MM-DD)",
     ("form_stages", "Stages, row 1: enter the day the project entered the stage")),
    ("outputs[2].kind", "required field is missing (one of ...)",
     ("form_outputs", "Outputs, row 2: choose what kind of output it is")),
    ("outputs[1].url", "'javascript:x' is not a web address (expected http:// or https:// and a host)",
     ("form_outputs", "Outputs, row 1: the address 'javascript:x' is not a web address (expected http:// or "
                      "https:// and a host)")),
    ("years.to", "2020 is before years.from 2021; expected a year from 2021",
     ("form_years_to", "Last active year must be the same as or after the first active year")),
    ("impact.hours_saved_per_year", "-3 is negative; expected a number of 0 or more",
     ("form_hours", "Hours saved a year must be 0 or more")),
    ("tags.domain[2]", "'x' is listed twice", ("form_tag_domain", "Tags: domain, tag 2: this is listed twice: "
                                                                   "give each once")),
])
def test_each_kind_of_problem_reads_as_a_sentence_about_the_field_people_saw(field, message, said):
    assert forms.in_words(Problem("submitted form", None, None, field, message)) == said


def test_every_problem_the_checks_find_in_a_form_record_names_a_field_of_the_form():
    record = forms.record_from_form({"id": "Bad Id", "impact.hours_saved_per_year": "lots", "years.to": "1999"},
                                    pd.DataFrame({"stage": [], "date": []}),
                                    pd.DataFrame({"kind": [], "title": [], "url": [], "date": []}))
    _, problems = checks.validate(record, source="submitted form", known_teams={"ai-skunkworks"})
    said = [forms.in_words(p) for p in problems]
    assert len(said) == len(problems) > 4
    assert all(key in forms.WIDGETS.values() for key, _ in said)
    assert not any(re.search(r"[a-z]_[a-z]|\[\d|expected ", message) for _, message in said), said


def test_an_id_is_suggested_from_a_title():
    assert forms.suggested_id("Synthetic A&E data") == "synthetic-a-e-data"
    assert forms.suggested_id("  Café — résumé reader ") == "cafe-resume-reader"
    long = forms.suggested_id("word " * 60)
    assert len(long) <= 100 and not long.endswith("-") and long.startswith("word-word")
