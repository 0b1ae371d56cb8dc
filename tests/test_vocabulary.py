"""One vocabulary (data/vocabulary.yml) and one record schema (etl/records/fields.py): mistakes
in the vocabulary file are named by line and field, every consumer offers exactly its lists,
and the record documentation cannot drift from the schema."""
from __future__ import annotations

import dataclasses
import json
import re
import textwrap

import duckdb
import pandas as pd
import pytest

from analyses import vocabulary
from analyses.queries import FOLDER as QUERIES
from dashboard import figures, forms
from etl import config, warehouse
from etl.records import checks, docs, fields, spreadsheet, yaml_writer
from publish import theme
from tests.test_pages import app, fresh_caches, page  # noqa: F401 (fixture)

WORDS = vocabulary.current()

# A small vocabulary of the test's own; line numbers matter, the messages below name them.
SMALL = """\
pathway:
  phases:
    - {id: early, label: Early}
    - {id: late, label: Late}
    - {id: closed, label: Closed}
  stages:
    - {id: idea, label: Idea, phase: early, colour: "#A6CEE3"}
    - {id: build, label: Build, phase: late, colour: "#3182BD"}
    - {id: paused, label: Paused, phase: closed, colour: "#768692", closed: true}
data_access:
  - {id: open, label: Open}
  - {id: synthetic, label: Synthetic}
governance:
  - {id: done, label: Done}
output_kinds:
  - {id: code, label: Code}
tag_categories:
  - {id: domain, label: Domain}
radar:
  quadrants:
    - {id: tools, label: Tools}
  rings:
    - {id: adopt, label: Adopt, meaning: use by default, colour: "#003087"}
needs:
  categories:
    - {id: tooling, label: Tooling}
  statuses:
    - {id: raised, label: Raised, first: true}
    - {id: discussed, label: Discussed}
    - {id: done, label: Done, final: true}
  relations:
    - {id: blocks, label: Blocks}
"""


def write(tmp_path, text: str):
    path = tmp_path / "vocabulary.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(vocabulary.VocabularyError) as caught:
        vocabulary.load(path)
    return [line.replace(str(path), "V") for line in str(caught.value).splitlines()]


# --- the file ------------------------------------------------------------------------------

def test_a_small_vocabulary_loads_with_ordinals_from_its_order(tmp_path):
    words = vocabulary.load(write(tmp_path, SMALL))
    assert [(s.id, s.ordinal, s.phase, s.closed) for s in words.stages] == [
        ("idea", 1, "early", False), ("build", 2, "late", False), ("paused", 3, "closed", True)]
    assert vocabulary.ids(words.open_stages) == ("idea", "build")
    assert vocabulary.labels(words.data_access) == {"open": "Open", "synthetic": "Synthetic"}
    assert words.rings[0] == vocabulary.Ring("adopt", "Adopt", "use by default", "#003087")
    assert [(s.id, s.first, s.final) for s in words.need_statuses] == [
        ("raised", True, False), ("discussed", False, False), ("done", False, True)]


@pytest.mark.parametrize("old, new, expected", [
    pytest.param("phase: late,", "phase: research,",
                 "V:8: pathway.stages[2].phase: 'research' is not a phase (expected one of early, late, closed)",
                 id="unknown phase"),
    pytest.param("{id: build, label: Build", "{id: idea, label: Build",
                 "V:8: pathway.stages[2].id: 'idea' is also the id of pathway.stages[1] (line 7); "
                 "expected each id once", id="duplicate stage id"),
    pytest.param("{id: synthetic, label: Synthetic}", "{id: synthetic}",
                 "V:12: data_access[2].label: required field is missing (the words people read)",
                 id="missing label"),
    pytest.param('colour: "#3182BD"', "colour: blue",
                 "V:8: pathway.stages[2].colour: 'blue' is not a colour (expected #RRGGBB, e.g. #005EB8)",
                 id="bad colour"),
    pytest.param("closed: true", "closed: yes please",
                 "V:9: pathway.stages[3].closed: expected true or false, found 'yes please'", id="closed not a flag"),
    pytest.param("{id: done, label: Done}", "{id: done, lable: Done}",
                 "V:14: governance[1]: unknown field 'lable'; did you mean 'label'?", id="misspelt field"),
    pytest.param("{id: code, label: Code}", "{id: yes, label: Code}",
                 "V:16: output_kinds[1].id: expected text, found true", id="YAML boolean as an id"),
    pytest.param("tag_categories:\n  - {id: domain, label: Domain}\n", "",
                 "V: tag_categories: expected a list of {id, label} entries, found nothing", id="missing list"),
    pytest.param("  rings:\n", "  ringz:\n",
                 "V:20: radar: unknown field 'ringz'; did you mean 'rings'?", id="misspelt section"),
    pytest.param("phase: closed, colour", "phase: late, colour",
                 "V:4: pathway.phases[2]: phase 'late' holds closed stages (paused) and open ones (build); a phase "
                 "holds one kind, so queries can leave closed stages out by their phase", id="phase mixing kinds"),
    pytest.param("{id: early, label: Early}", "{id: early, label: [Early]}",
                 "V:3: pathway.phases[1].label: expected text, found a list", id="label not text"),
    pytest.param("{id: done, label: Done, final: true}", "{id: done, label: Done, first: true, final: true}",
                 "V:30: needs.statuses[3]: status 'done' is marked both first and final; a status may be one of "
                 "them at most", id="status both first and final"),
    pytest.param("{id: discussed, label: Discussed}", "{id: discussed, label: Discussed, final: true}",
                 "V: needs.statuses: every status is marked first or final; expected at least one status a need "
                 "may pass through", id="no status in between"),
])
def test_each_mistake_names_the_line_and_field(tmp_path, old, new, expected):
    assert old in SMALL
    found = problems(tmp_path, SMALL.replace(old, new, 1))
    assert expected in found, found


def test_every_mistake_is_reported_at_once(tmp_path):
    found = problems(tmp_path, SMALL.replace("phase: late,", "phase: research,")
                     .replace("{id: synthetic, label: Synthetic}", "{id: open, label: Synthetic}")
                     .replace("{id: code, label: Code}", "{id: code}"))
    assert found == [
        "V:12: data_access[2].id: 'open' is also the id of data_access[1] (line 11); expected each id once",
        "V:16: output_kinds[1].label: required field is missing (the words people read)",
        "V:8: pathway.stages[2].phase: 'research' is not a phase (expected one of early, late, closed)",
    ]


def test_file_level_mistakes(tmp_path):
    assert problems(tmp_path, SMALL + "colours: {}\n") == [
        "V:1: unknown field 'colours' (expected one of pathway, data_access, governance, output_kinds, "
        "tag_categories, radar, needs)"]
    assert problems(tmp_path, "pathway: [unclosed\n") == [
        "V:2: not valid YAML: expected ',' or ']', but got '<stream end>'"]
    assert problems(tmp_path, "- a list\n") == [
        "V: expected a mapping of pathway, data_access, governance, output_kinds, tag_categories, radar, needs, found a list"]
    aliased = (SMALL.replace("data_access:\n", "data_access: &same\n")
               .replace("governance:\n  - {id: done, label: Done}", "governance: *same"))
    assert problems(tmp_path, aliased) == ["V:13: not valid YAML: aliases (*name) are not allowed in this file"]
    everything_closed = SMALL.replace('colour: "#A6CEE3"}', 'colour: "#A6CEE3", closed: true}').replace(
        'colour: "#3182BD"}', 'colour: "#3182BD", closed: true}')
    assert "V: pathway.stages: every stage is closed; expected at least one stage on the pathway" in problems(
        tmp_path, everything_closed)
    with pytest.raises(vocabulary.VocabularyError, match="no such file"):
        vocabulary.load(tmp_path / "nowhere.yml")


def test_the_project_vocabulary_loads_and_ends_with_its_closed_stages():
    assert WORDS.open_stages and WORDS.closed_stages
    assert [s.ordinal for s in WORDS.stages] == list(range(1, len(WORDS.stages) + 1))
    assert WORDS.stages[-len(WORDS.closed_stages):] == WORDS.closed_stages  # "paused and retired come last"


# --- every consumer agrees with it --------------------------------------------------------------

def test_the_stages_table_is_the_vocabulary():
    con = duckdb.connect()
    warehouse.apply_schema(con)
    rows = con.execute("SELECT stage, label, ordinal, phase FROM stages ORDER BY ordinal").fetchall()
    con.close()
    assert rows == [(s.id, s.label, s.ordinal, s.phase) for s in WORDS.stages]


def _in_list(sql: str, column: str) -> list[str]:
    """The values of `column IN ('a', 'b')` in a CHECK constraint of schema.sql."""
    found = re.search(rf"CHECK \({column} IN \(([^)]*)\)\)", sql)
    return re.findall(r"'([^']*)'", found.group(1))


def test_the_schema_and_queries_name_the_vocabulary_phases_and_rings():
    schema = config.SCHEMA_FILE.read_text(encoding="utf-8")
    assert _in_list(schema, "phase") == list(vocabulary.ids(WORDS.phases))
    assert _in_list(schema, "ring") == list(vocabulary.ids(WORDS.rings))
    evidence = (QUERIES / "radar_evidence.sql").read_text(encoding="utf-8")
    orders = re.findall(r"list_position\(\[([^\]]*)\]", evidence)
    assert orders and all(re.findall(r"'([^']*)'", o) == list(vocabulary.ids(WORDS.rings)) for o in orders)


def test_charts_colour_every_stage_and_ring_as_declared():
    assert theme.STAGE_COLOURS == {s.id: s.colour for s in WORDS.stages}
    assert len(figures.RING_WIDTHS) == len(WORDS.rings)
    radar = pd.DataFrame({"name": ["a", "b"], "quadrant": [WORDS.quadrants[0].id, WORDS.quadrants[-1].id],
                          "ring": [WORDS.rings[0].id, WORDS.rings[-1].id], "number": [1, 2],
                          "disagreement": [None, "x"], "teams_recent": [1, 0], "evidence_ring": ["adopt", None]})
    fig = figures.radar_figure(radar)
    blips = [t for t in fig.data if t.mode == "markers+text"]
    assert [t.name for t in blips] == [r.label for r in WORDS.rings]
    assert [t.marker.color for t in blips] == [r.colour for r in WORDS.rings]
    assert list(fig.layout.polar.angularaxis.ticktext) == [q.label for q in WORDS.quadrants]
    assert list(fig.layout.polar.radialaxis.ticktext) == [r.label for r in WORDS.rings]


def test_the_record_schema_takes_its_values_from_the_vocabulary():
    assert fields.field("stages.stage").values == WORDS.stage_ids
    assert fields.field("data_access").values == vocabulary.ids(WORDS.data_access)
    assert fields.field("outputs.kind").values == vocabulary.ids(WORDS.output_kinds)
    assert fields.field("tags").names == vocabulary.ids(WORDS.tag_categories)
    for check in fields.field("governance").parts:
        assert check.values == vocabulary.ids(WORDS.governance)
    assert fields.field("outputs.kind").label_of("case_study") == vocabulary.labels(WORDS.output_kinds)["case_study"]
    stage_columns = [c for c in spreadsheet.COLUMNS if c in WORDS.stage_ids]
    assert stage_columns == list(WORDS.stage_ids)


def test_the_form_offers_exactly_the_vocabulary(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("projects.py")).run()
    assert not at.exception
    labels = lambda terms: [t.label for t in terms]  # noqa: E731
    assert at.selectbox(key="form_access").options == ["choose", *labels(WORDS.data_access)]
    for check in fields.field("governance").parts:
        assert at.selectbox(key=f"form_{check.name}").options == ["not recorded", *labels(WORDS.governance)]
        assert at.selectbox(key=f"form_{check.name}").label == check.label
    assert [t.label for t in at.text_input if t.key.startswith("form_tag_")] == [
        f"Tags: {c.label.lower()}" for c in WORDS.tag_categories]
    stages, outputs = (json.loads(e.proto.columns) for e in at.get("data_editor"))
    assert stages["stage"]["type_config"]["options"] == list(WORDS.stage_ids)
    assert outputs["kind"]["type_config"]["options"] == list(vocabulary.ids(WORDS.output_kinds))
    assert at.text_input(key="form_summary").proto.help == forms.tip("summary")
    # The catalogue's filters, too.
    assert at.multiselect(key="stage").options == labels(WORDS.stages)
    assert at.multiselect(key="access").options == labels(WORDS.data_access)


def test_the_radar_page_offers_the_vocabulary_quadrants(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("radar.py")).run()
    assert not at.exception
    assert [o.content for o in at.get("button_group")[0].proto.options] == [q.label for q in WORDS.quadrants]
    assert any(all(f"{r.label} ({r.meaning})" in c.value for r in WORDS.rings) for c in at.caption)


def test_the_form_fills_in_every_field_of_the_schema():
    """A field added to the schema but not to the form fails here."""
    values = {"id": "new-model", "title": "New model", "summary": "Ranks referrals.", "description": "More.",
              "lead_team": "ai-skunkworks", "partner_teams": ["analytics-unit"], "origin": "a call",
              "work_area": "referrals", "data_access": WORDS.data_access[0].id,
              "repositories": "https://github.com/a/b",
              "operational_owner": "Ops", "impact.text": "Faster.", "impact.hours_saved_per_year": "1,200",
              "impact.organisations_using": "3", "years.from": "2023", "years.to": ""}
    values |= {f"tags.{c.id}": "one, two" for c in WORDS.tag_categories}
    values |= {f"governance.{p.name}": WORDS.governance[0].id for p in fields.field("governance").parts}
    stages = pd.DataFrame({"stage": [WORDS.stages[0].id], "date": [pd.Timestamp("2023-01-02").date()]})
    outputs = pd.DataFrame({"kind": [WORDS.output_kinds[0].id], "title": ["Code"], "url": ["https://x.org"],
                            "date": [None]})
    record = forms.record_from_form(values, stages, outputs)
    assert list(record) == list(fields.NAMES)
    canonical, problems = checks.validate(record, source="form", known_teams=None)
    assert problems == []
    assert canonical["years"] == {"from": 2023, "to": None} and canonical["impact"]["hours_saved_per_year"] == 1200


# --- the documentation ---------------------------------------------------------------------------

def test_the_record_readme_is_generated_from_the_schema():
    assert docs.is_current(), "run: python -m etl dictionary"


def test_a_stale_record_readme_or_template_is_noticed(tmp_path):
    readme, template = tmp_path / "README.md", tmp_path / "register-template.csv"
    readme.write_text(docs.README.read_text(encoding="utf-8"), encoding="utf-8")
    template.write_text(docs.template(), encoding="utf-8")
    assert docs.is_current(readme, template)
    readme.write_text(readme.read_text(encoding="utf-8").replace("| `governance.dpia` |", "| `governance.ethics` |"))
    assert not docs.is_current(readme, template)
    docs.write(readme, template)
    assert docs.is_current(readme, template)
    template.write_text(",".join(spreadsheet.COLUMNS[:-1]) + "\n", encoding="utf-8")
    assert not docs.is_current(readme, template)
    readme.write_text("# no markers\n")
    with pytest.raises(ValueError, match="lacks the markers"):
        docs.render(readme.read_text(), readme)


def test_the_readme_documents_every_field_and_value():
    text = docs.README.read_text(encoding="utf-8")
    block = text.split(docs.FIELDS_MARKERS[0], 1)[1].split(docs.FIELDS_MARKERS[1], 1)[0]
    documented = re.findall(r"^\| `([^`]+)` \|", block, re.M)
    expected = []
    for f in fields.RECORD:
        expected.append(f.name)
        joiner = "[]." if f.kind in ("stages", "outputs") else "."
        expected += [f"{f.name}{joiner}{p.name}" for p in f.parts]
    assert documented == expected
    for path in ("data_access", "stages[].stage", "outputs[].kind", "governance.dpia"):
        row = next(line for line in block.splitlines() if line.startswith(f"| `{path}` |"))
        assert re.findall(r"`([^`]+)` \(", row) == list(fields.field(path.replace("[]", "")).values)


def test_the_documented_example_is_a_valid_record_that_round_trips():
    record = docs.example_record()
    assert set(record) - {"_path"} == set(fields.NAMES)  # the example shows every field
    text = docs.README.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == docs.example_yaml()
    assert yaml_writer.to_yaml(record).splitlines()[0] == example.splitlines()[0].split("#")[0].rstrip()
    broken = tuple(dataclasses.replace(f, example="anonymised") if f.name == "data_access" else f
                   for f in fields.RECORD)
    with pytest.raises(ValueError, match="data_access: 'anonymised' is not a data access class"):
        docs.example_record(broken)
