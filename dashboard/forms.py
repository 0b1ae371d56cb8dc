"""The "submit a project" form: fills in a project record, checks it exactly as
`python -m etl check` does, and offers the YAML file for a pull request."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from etl import records

STAGE_CODES = ["idea", "discovery", "proof_of_concept", "pilot", "operational", "paused", "retired"]
GOVERNANCE = ["", *records.GOVERNANCE_VALUES]


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


def record_from_form(values: dict, stages: pd.DataFrame, outputs: pd.DataFrame) -> dict:
    """A record (the YAML format) from the form's fields; empty fields are left out."""
    record = {k: values[k].strip() for k in ("id", "title", "summary", "description", "origin", "work_area",
                                             "operational_owner") if values[k].strip()}
    record["lead_team"] = values["lead_team"]
    if values["partner_teams"]:
        record["partner_teams"] = list(values["partner_teams"])
    tags = {c: _split(values[f"tag_{c}"]) for c in records.TAG_CATEGORIES if _split(values[f"tag_{c}"])}
    if tags:
        record["tags"] = tags
    if values["data_access"]:
        record["data_access"] = values["data_access"]
    record["stages"] = [{"stage": r.stage, "date": r.date.isoformat() if isinstance(r.date, dt.date) else r.date}
                        for r in stages.dropna(how="all").itertuples()]
    record["repositories"] = _split(values["repositories"])
    kept = outputs.dropna(how="all")
    if not kept.empty:
        record["outputs"] = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()
                              if v is not None and not (isinstance(v, float) and pd.isna(v)) and v != ""}
                             for row in kept.to_dict("records")]
    governance = {k: values[k] for k in ("dpia", "aia", "clinical_safety_case") if values[k]}
    if governance:
        record["governance"] = governance
    impact = {"text": values["impact"].strip() or None, "hours_saved_per_year": _number(values["hours_saved"]),
              "organisations_using": _number(values["organisations_using"])}
    impact = {k: v for k, v in impact.items() if v is not None}
    if impact:
        record["impact"] = impact
    return record


def project_submission(teams: pd.DataFrame) -> None:
    """Draw the form; on submit show the problems, or the YAML file to download."""
    names = dict(zip(teams.team_id, teams.name))
    st.markdown("Describe a project and check it. If it passes, download its record and add it to "
                "`data/projects/` in a pull request; the next refresh loads it.")
    with st.form("submit_project"):
        v = {}
        a, b = st.columns(2)
        v["id"] = a.text_input("Id", placeholder="lower-case-slug, e.g. synthetic-ae-data", key="form_id")
        v["title"] = b.text_input("Title", key="form_title")
        v["summary"] = st.text_input("One-line summary", key="form_summary")
        v["description"] = st.text_area("Description", key="form_description")
        a, b = st.columns(2)
        v["lead_team"] = a.selectbox("Lead team", list(names), format_func=names.get, key="form_lead")
        v["partner_teams"] = b.multiselect("Partner teams", list(names), format_func=names.get, key="form_partners")
        a, b, c = st.columns(3)
        v["origin"] = a.text_input("Origin", placeholder="e.g. call for ideas", key="form_origin")
        v["work_area"] = b.text_input("Main work area", key="form_work_area")
        v["data_access"] = c.selectbox("Data access", ["", *records.DATA_ACCESS],
                                       format_func=lambda x: x or "choose", key="form_access")
        cols = st.columns(4)
        for col, category in zip(cols, records.TAG_CATEGORIES):
            v[f"tag_{category}"] = col.text_input(f"Tags: {category.replace('_', ' ')}", key=f"form_tag_{category}",
                                                  placeholder="comma, separated")
        st.markdown("**Stages** (dated, in order)")
        stages = st.data_editor(
            pd.DataFrame({"stage": ["idea"], "date": [dt.date.today()]}), num_rows="dynamic",
            key="form_stages", column_config={
                "stage": st.column_config.SelectboxColumn("Stage", options=STAGE_CODES, required=True),
                "date": st.column_config.DateColumn("Entered on", format="YYYY-MM-DD", required=True)})
        v["repositories"] = st.text_area("Repositories (one address per line)", key="form_repos",
                                         placeholder="https://github.com/OWNER/NAME")
        st.markdown("**Outputs**")
        outputs = st.data_editor(
            pd.DataFrame({"kind": pd.Series(dtype="object"), "title": pd.Series(dtype="object"),
                          "url": pd.Series(dtype="object"), "date": pd.Series(dtype="object")}),
            num_rows="dynamic", key="form_outputs", column_config={
                "kind": st.column_config.SelectboxColumn("Kind", options=list(records.OUTPUT_KINDS)),
                "title": "Title", "url": st.column_config.TextColumn("Address"),
                "date": st.column_config.DateColumn("Published", format="YYYY-MM-DD")})
        a, b, c = st.columns(3)
        v["dpia"] = a.selectbox("DPIA", GOVERNANCE, format_func=lambda x: x or "not recorded", key="form_dpia")
        v["aia"] = b.selectbox("Algorithmic impact assessment", GOVERNANCE, format_func=lambda x: x or "not recorded",
                               key="form_aia")
        v["clinical_safety_case"] = c.selectbox("Clinical safety case", GOVERNANCE,
                                                format_func=lambda x: x or "not recorded", key="form_csc")
        v["operational_owner"] = st.text_input("Operational owner (after handover)", key="form_owner")
        a, b, c = st.columns([3, 1, 1])
        v["impact"] = a.text_input("Impact", key="form_impact")
        v["hours_saved"] = b.text_input("Hours saved a year", key="form_hours")
        v["organisations_using"] = c.text_input("Organisations using", key="form_orgs")
        submitted = st.form_submit_button("Check record", type="primary")
    if not submitted:
        return
    record = record_from_form(v, stages, outputs)
    canonical, problems = records.validate(record, source="submitted form", known_teams=set(names))
    if problems:
        st.error(f"{len(problems)} problem(s) to fix:\n\n" + "\n".join(f"- `{p}`" for p in problems))
        return
    text = records.to_yaml(canonical)
    st.success("The record passes every check. Download it and add it to data/projects/ in a pull request.")
    st.code(text, language="yaml")
    st.download_button(f"Download {canonical['id']}.yml", data=text, file_name=f"{canonical['id']}.yml",
                       mime="application/x-yaml", key="form_download")
