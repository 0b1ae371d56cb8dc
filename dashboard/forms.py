"""The "submit a project" form: fills in a project record, checks it exactly as
`python -m etl check` does, and offers the YAML file for a pull request.

Labels, help texts and options come from the record's schema (etl/records/fields.py), whose
allowed values come from the vocabulary (data/vocabulary.yml); only the layout is here."""
from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

import pandas as pd
import streamlit as st

from etl.records import checks, fields
from etl.records.yaml_writer import to_yaml
from publish.text import plain, slug

F = fields.field


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _number(text: str):
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text  # kept as written, so the check names it
    return int(value) if value.is_integer() else value


def _example(path: str) -> str | None:
    value = F(path).example
    return f"e.g. {value}" if isinstance(value, str) else None


def tip(path: str) -> str:
    """A field's one-line help as a tooltip sentence."""
    help = F(path).help
    return help[:1].upper() + help[1:] + "."


def options(path: str, *, blank: bool = False) -> list[str]:
    """The values the form offers for a choice field ("" first: not recorded)."""
    return ["", *F(path).values] if blank else list(F(path).values)


def _typed(field: fields.Field, raw):
    """A form value as the record holds it: None when left empty."""
    if field.kind == "list":
        return (list(raw or []) if not isinstance(raw, str) else _split(raw)) or None
    if field.kind in ("number", "count", "year"):
        return _number(raw or "")
    if isinstance(raw, str):
        return raw.strip() or None
    return raw or None


def _table(frame: pd.DataFrame) -> list[dict]:
    """Rows of an editable table, empty cells left out and dates as YYYY-MM-DD."""
    return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()
             if v is not None and not (isinstance(v, float) and pd.isna(v)) and v != ""}
            for row in frame.dropna(how="all").to_dict("records")]


def record_from_form(values: dict, stages: pd.DataFrame, outputs: pd.DataFrame) -> dict:
    """A record (the YAML format) from the form: `values` by field path ("title", "tags.domain",
    "governance.dpia"), the stages and outputs as tables. Empty fields are left out; stages and
    repositories are always given, so leaving them empty is named by the checks."""
    record = {}
    for f in fields.RECORD:
        if f.kind == "stages":
            record[f.name] = _table(stages)
        elif f.kind == "outputs":
            value = _table(outputs)
            if value:
                record[f.name] = value
        elif f.kind == "repositories":
            record[f.name] = _split(values.get(f.name) or "")
        elif f.parts:
            found = {p.name: _typed(p, values.get(f"{f.name}.{p.name}")) for p in f.parts}
            if any(v is not None for v in found.values()):
                record[f.name] = {k: v for k, v in found.items() if v is not None or f.kind == "years"}
        elif _typed(f, values.get(f.name)) is not None:
            record[f.name] = _typed(f, values.get(f.name))
    return record


# The form's widget for each field of the record (a list's entries and a mapping's parts share
# their field's widget unless they have their own), in the order the form shows them: what an
# error message and the error summary link to.
WIDGETS = {"title": "form_title", "id": "form_id", "summary": "form_summary", "description": "form_description",
           "lead_team": "form_lead", "partner_teams": "form_partners", "origin": "form_origin",
           "work_area": "form_work_area", "data_access": "form_access",
           **{f"tags.{c.name}": f"form_tag_{c.name}" for c in F("tags").parts},
           "stages": "form_stages", "years.from": "form_years_from", "years.to": "form_years_to",
           "repositories": "form_repos", "outputs": "form_outputs",
           **{f"governance.{c.name}": f"form_{c.name}" for c in F("governance").parts},
           "operational_owner": "form_owner", "impact.text": "form_impact",
           "impact.hours_saved_per_year": "form_hours", "impact.organisations_using": "form_orgs"}
_NOUNS = {"repositories": "line", "partner_teams": "team"}  # what one entry of a list is called; else "row"


def suggested_id(title: str) -> str:
    """An id from a title: lower-case letters and digits joined by single hyphens, cut at a
    hyphen to the id's most characters ("Synthetic A&E data" -> "synthetic-a-e-data")."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    found = slug(text)
    while len(found) > fields.ID_MAX and "-" in found:
        found = found.rsplit("-", 1)[0]
    return found[:fields.ID_MAX]


def in_words(problem) -> tuple[str, str]:
    """A problem of the record's checks as the form says it: (the widget it is about, a
    sentence in the words of the labels people saw). "impact.hours_saved_per_year: expected a
    number, found 'lots'" reads "Hours saved a year must be a number, like 1,200", and
    "stages[2].date: ... (stage dates must rise)" reads "Stages, row 2: the date must be after
    the date of row 1: stages are listed oldest first"."""
    head, _, rest = problem.field.partition("[")
    key = WIDGETS.get(head) or WIDGETS.get(head.split(".")[0], "form_title")
    if not rest:
        field = F(head)
        return key, _said(field, field.label, problem.message)
    number, _, part = rest.partition("]")
    listed = F(head)
    entry = listed.part(part.lstrip(".")) if part else listed.item
    noun = "tag" if head.startswith("tags.") else _NOUNS.get(head, "row")
    said = _said(entry, entry.label, problem.message, in_row=True)
    return key, f"{listed.label}, {noun} {number}: {said[:1].lower() + said[1:]}"


def _said(field: fields.Field, label: str, message: str, *, in_row: bool = False) -> str:
    """The check's `message` about `field` (labelled `label` on the form) in plain words."""
    if message.startswith(("required field is missing", "required field is empty", "the list is empty")):
        if field.kind == "stages":
            return "Add at least one stage, with the date the project entered it"
        verb = "Choose" if field.kind in ("team", "choice") else "Enter"
        return f"{verb} {field.help if in_row else _the(label)}"
    example = f"{field.example:,}" if isinstance(field.example, int | float) else field.example
    plainly = [
        ("is negative", f"{label} must be 0 or more"),
        ("expected a number, found", f"{label} must be a number, like {example}"),
        ("is not a whole number", f"{label} must be a whole number, like {example}"),
        ("is not a lower-case slug", f"{label} must be lower-case letters, digits and single hyphens, like "
                                     f"{example}: it names the record's file and never changes"),
        ("has a line break", f"{label} must be on one line; put more in the description"),
        ("is not an ISO date", f"{label} must be a date, like 2024-03-31"),
        ("is before years.from", f"{label} must be the same as or after the first active year"),
        ("but the project has since moved on", "The date is after today, but the project has moved on since; "
                                               "a stage is dated the day the project entered it"),
        ("found nothing", "Fill in this row, or delete it"),
    ]
    for words, said in plainly:
        if words in message:
            return said
    if found := re.search(r"is not a year from (\d+) to (\d+)", message):
        return f"{label} must be a year from {found[1]} to {found[2]}, like 2021"
    if found := re.search(r"is ([\d,]+) characters long; expected at most ([\d,]+)", message):
        return f"{label} must be {found[2]} characters or fewer; it has {found[1]}"
    earlier = re.findall(r"\[(\d+)\]", message)
    if "(stage dates must rise)" in message and earlier:
        return f"The date must be after the date of row {earlier[0]}: stages are listed oldest first"
    if "cannot follow" in message and earlier:
        return (f"This stage cannot follow the stage of row {earlier[0]}: a project moves forward along the "
                "pathway, and goes back or repeats a stage only after it was paused or retired")
    if "is listed twice" in message:
        return "This is listed twice: give each once"
    if message[:1] in "'\"":  # the check's own words about a value: "'x' is not a web address (...)"
        return f"{_the(label)[:1].upper()}{_the(label)[1:]} {message}"
    return f"{label}: {message}"


def _the(label: str) -> str:
    """'the lead team', 'the title': a field named in a sentence."""
    return "the " + (label if label[1:2].isupper() else label[:1].lower() + label[1:])


def project_submission(teams: pd.DataFrame, taken: dict[str, str] | None = None) -> None:
    """Draw the form; on submit show the problems (GOV.UK's error summary: a box at the top
    listing each problem, linking to its field, and the message beside the field too), or the
    YAML file to download. `taken`: the ids of the projects there are, and their titles."""
    names = dict(zip(teams.team_id, teams.name))
    st.markdown("Describe a project and check it. If it passes, download its record and add it to "
                "`data/projects/` in a pull request; the next refresh loads it.")
    summary = st.empty()  # the error summary, once the record is checked
    slots: dict[str, object] = {}  # room under each field for its error message

    def beside(where, key: str) -> None:
        slots[key] = where.empty()

    def text(where, path: str, key: str, *, area: bool = False, placeholder: str | None = None) -> None:
        widget = where.text_area if area else where.text_input
        v[path] = widget(F(path).label, key=key, help=tip(path),
                         placeholder=_example(path) if placeholder is None else placeholder)
        beside(where, key)

    def choice(where, path: str, key: str, blank: str) -> None:
        v[path] = where.selectbox(F(path).label, options(path, blank=True), key=key, help=tip(path),
                                  format_func=lambda x: F(path).label_of(x) if x else blank)
        beside(where, key)

    # Title and id come before the form, so that the id can follow the title as it is typed
    # (until someone changes the id).
    def follow_title() -> None:
        suggestion = suggested_id(st.session_state.get("form_title") or "")
        if (st.session_state.get("form_id") or "") in ("", st.session_state.get("_form_id_suggested")):
            st.session_state["form_id"] = suggestion
        st.session_state["_form_id_suggested"] = suggestion

    v = {}
    a, b = st.columns(2)
    v["title"] = a.text_input(F("title").label, key="form_title", help=tip("title"), placeholder=_example("title"),
                              on_change=follow_title)
    beside(a, "form_title")
    v["id"] = b.text_input(F("id").label, key="form_id", placeholder=f"e.g. {F('id').example}",
                           help="Suggested from the title; change it if you like. " + tip("id"))
    beside(b, "form_id")
    with st.form("submit_project"):
        text(st, "summary", "form_summary")
        text(st, "description", "form_description", area=True, placeholder="")
        a, b = st.columns(2)
        v["lead_team"] = a.selectbox(F("lead_team").label, list(names), format_func=names.get, key="form_lead",
                                     index=None, placeholder="Choose a team", help=tip("lead_team"))
        beside(a, "form_lead")
        v["partner_teams"] = b.multiselect(F("partner_teams").label, list(names), format_func=names.get,
                                           key="form_partners", help=tip("partner_teams"), placeholder="Choose teams")
        beside(b, "form_partners")
        a, b, c = st.columns(3)
        text(a, "origin", "form_origin")
        text(b, "work_area", "form_work_area")
        choice(c, "data_access", "form_access", "choose")
        tags = F("tags").parts
        for col, category in zip(st.columns(len(tags)), tags):
            text(col, f"tags.{category.name}", f"form_tag_{category.name}", placeholder="comma, separated")
        st.markdown(f"**{F('stages').label}** (dated, in order)")
        stage, entered = F("stages.stage"), F("stages.date")
        stages = st.data_editor(
            pd.DataFrame({"stage": [stage.values[0]], "date": [dt.date.today()]}), num_rows="dynamic",
            key="form_stages", column_config={
                "stage": st.column_config.SelectboxColumn(stage.label, options=options("stages.stage"), required=True,
                                                          help=tip("stages.stage")),
                "date": st.column_config.DateColumn(entered.label, format="YYYY-MM-DD", required=True,
                                                   help=tip("stages.date"))})
        beside(st, "form_stages")
        a, b = st.columns(2)
        text(a, "years.from", "form_years_from", placeholder="e.g. 2021")
        text(b, "years.to", "form_years_to", placeholder="empty while active")
        text(st, "repositories", "form_repos", area=True, placeholder="https://github.com/OWNER/NAME, one a line")
        st.markdown(f"**{F('outputs').label}**")
        parts = {p.name: p for p in F("outputs").parts}
        outputs = st.data_editor(
            pd.DataFrame({name: pd.Series(dtype="object") for name in parts}),
            num_rows="dynamic", key="form_outputs", column_config={
                "kind": st.column_config.SelectboxColumn(parts["kind"].label, options=options("outputs.kind"),
                                                         help=tip("outputs.kind")),
                "title": st.column_config.TextColumn(parts["title"].label, help=tip("outputs.title")),
                "url": st.column_config.TextColumn(parts["url"].label, help=tip("outputs.url")),
                "date": st.column_config.DateColumn(parts["date"].label, format="YYYY-MM-DD",
                                                    help=tip("outputs.date"))})
        beside(st, "form_outputs")
        for col, check in zip(st.columns(len(F("governance").parts)), F("governance").parts):
            choice(col, f"governance.{check.name}", f"form_{check.name}", "not recorded")
        text(st, "operational_owner", "form_owner")
        a, b, c = st.columns([3, 1, 1])
        text(a, "impact.text", "form_impact")
        text(b, "impact.hours_saved_per_year", "form_hours", placeholder="")
        text(c, "impact.organisations_using", "form_orgs", placeholder="")
        submitted = st.form_submit_button("Check record", type="primary")
    if submitted:
        record = record_from_form(v, stages, outputs)
        canonical, problems = checks.validate(record, source="submitted form", known_teams=set(names))
        errors = [in_words(p) for p in problems]
        if canonical and canonical["id"] in (taken or {}):
            errors.append(("form_id", f"Id {canonical['id']} is already the id of {taken[canonical['id']]}: "
                                      "choose another"))
        st.session_state["_form_errors"] = errors
        st.session_state["_form_record"] = None if errors else (canonical["id"], to_yaml(canonical))
    errors = st.session_state.get("_form_errors") or []
    if errors:
        _show_errors(errors, summary, slots)
        return
    checked = st.session_state.get("_form_record")
    if not checked:
        return
    record_id, written = checked
    st.success("The record passes every check. Download it and add it to data/projects/ in a pull request.")
    st.code(written, language="yaml")
    st.download_button(f"Download {plain(record_id)}.yml", data=written, file_name=f"{record_id}.yml",
                       mime="application/x-yaml", key="form_download")


ERROR_STYLE = """<style>  /* dashboard.forms */
.ai-error-summary { border: 5px solid #D5281B; padding: 1rem 1.25rem; margin: 0.5rem 0 1rem; }
.ai-error-summary h2 { font-size: 1.5rem; font-weight: 700; margin: 0 0 0.75rem; padding: 0; }
.ai-error-summary ul { margin: 0; padding-left: 0; list-style: none; }
.ai-error-summary li { margin: 0 0 0.35rem; }
.ai-error-summary a { color: #D5281B; font-weight: 600; text-decoration: underline; }
.ai-field-error { color: #D5281B; font-weight: 600; margin: -0.5rem 0 0.25rem; font-size: 0.95rem; }
.ai-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>"""


def _show_errors(errors: list[tuple[str, str]], summary, slots: dict[str, object]) -> None:
    """GOV.UK's error summary in `summary`, each problem a link to its field, and each field's
    problems under it, its box marked with a red bar."""
    order = list(WIDGETS.values())
    errors = sorted(errors, key=lambda e: order.index(e[0]) if e[0] in order else len(order))
    marks = ", ".join(f".st-key-{key}" for key in dict(errors))
    style = ERROR_STYLE.replace("</style>", f"{marks} {{ border-left: 5px solid #D5281B; padding-left: 0.75rem; }}\n</style>")
    items = "".join(f'<li><a href="#error-{key}">{html.escape(message)}</a></li>' for key, message in errors)
    summary.html(f'{style}<div class="ai-error-summary" role="alert" aria-labelledby="error-summary-title">'
                 f'<h2 id="error-summary-title">There is a problem</h2><ul>{items}</ul></div>')
    for key, slot in slots.items():
        mine = [message for k, message in errors if k == key]
        if mine:
            slot.html(f'<p class="ai-field-error" id="error-{key}">'
                              + "<br>".join(f'<span class="ai-hidden">Error: </span>{html.escape(m)}' for m in mine)
                              + "</p>")
