"""The "submit a project" form: fills in a project record, checks it exactly as
`python -m etl check` does, and offers the YAML file for a pull request.

Labels, help texts and options come from the record's schema (etl/records/fields.py), whose
allowed values come from the vocabulary (data/vocabulary.yml); only the layout is here."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from etl.records import checks, fields
from etl.records.yaml_writer import to_yaml
from publish.text import plain

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
        return (list(raw) if not isinstance(raw, str) else _split(raw)) or None
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


def project_submission(teams: pd.DataFrame) -> None:
    """Draw the form; on submit show the problems, or the YAML file to download."""
    names = dict(zip(teams.team_id, teams.name))
    st.markdown("Describe a project and check it. If it passes, download its record and add it to "
                "`data/projects/` in a pull request; the next refresh loads it.")

    def text(where, path: str, key: str, *, area: bool = False, placeholder: str | None = None) -> None:
        widget = where.text_area if area else where.text_input
        v[path] = widget(F(path).label, key=key, help=tip(path),
                         placeholder=_example(path) if placeholder is None else placeholder)

    def choice(where, path: str, key: str, blank: str) -> None:
        v[path] = where.selectbox(F(path).label, options(path, blank=True), key=key, help=tip(path),
                                  format_func=lambda x: F(path).label_of(x) if x else blank)

    with st.form("submit_project"):
        v = {}
        a, b = st.columns(2)
        text(a, "id", "form_id", placeholder=f"lower-case-slug, e.g. {F('id').example}")
        text(b, "title", "form_title")
        text(st, "summary", "form_summary")
        text(st, "description", "form_description", area=True, placeholder="")
        a, b = st.columns(2)
        v["lead_team"] = a.selectbox(F("lead_team").label, list(names), format_func=names.get, key="form_lead",
                                     help=tip("lead_team"))
        v["partner_teams"] = b.multiselect(F("partner_teams").label, list(names), format_func=names.get,
                                           key="form_partners", help=tip("partner_teams"))
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
        for col, check in zip(st.columns(len(F("governance").parts)), F("governance").parts):
            choice(col, f"governance.{check.name}", f"form_{check.name}", "not recorded")
        text(st, "operational_owner", "form_owner")
        a, b, c = st.columns([3, 1, 1])
        text(a, "impact.text", "form_impact")
        text(b, "impact.hours_saved_per_year", "form_hours", placeholder="")
        text(c, "impact.organisations_using", "form_orgs", placeholder="")
        submitted = st.form_submit_button("Check record", type="primary")
    if not submitted:
        return
    record = record_from_form(v, stages, outputs)
    canonical, problems = checks.validate(record, source="submitted form", known_teams=set(names))
    if problems:
        st.error(f"{len(problems)} problem(s) to fix:\n\n" + "\n".join(f"- {plain(p)}" for p in problems))
        return
    written = to_yaml(canonical)
    st.success("The record passes every check. Download it and add it to data/projects/ in a pull request.")
    st.code(written, language="yaml")
    st.download_button(f"Download {plain(canonical['id'])}.yml", data=written, file_name=f"{canonical['id']}.yml",
                       mime="application/x-yaml", key="form_download")
