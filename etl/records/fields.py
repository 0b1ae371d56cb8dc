"""The project record's schema: every field of a record file, declared once.

Each Field says what a record holds there (`kind`), whether it is required, the values it
allows (from the vocabulary, data/vocabulary.yml), a label and a one-line help for people,
what the checks' messages say is expected, an example, and the register column(s) it is read
from. From these follow the checks (checks.py), the YAML a record is written as
(yaml_writer.py), the register's columns (spreadsheet.py), the submission form's labels, help
and options (dashboard/forms.py) and the field documentation in data/projects/README.md
(docs.py; `python -m etl dictionary` rewrites it, and a test fails when it is stale).

Kinds of a single value: slug (lower-case letters, digits, single hyphens), text, line (text
on one line), team (a team id of data/teams.yml), choice (one of
`values`), date (YYYY-MM-DD), year, number (0 or more), count (a whole number, 0 or more),
address (an http:// or https:// web address), repository (a repository address). Kinds that
hold others: list (of `item`s, each once), mapping (of `parts`; `flow` ones are written on
one line and keep every part), and four with rules across their entries: stages (dates rise,
stages go forward), years (`to` not before `from`), repositories (each once) and outputs (a
kind and title once). Every slug, text and line field has a `limit`, its most characters
(the limits below), and addresses have addresses.URL_MAX: a record is read by people, and text
without a bound makes every check, page and report that shows it as slow as it is long.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analyses import vocabulary

TEAMS_FILE = "data/teams.yml"
ID_MAX = 100            # characters of the id (and so of the file name)
TITLE_MAX = 300         # a title: the project's, an output's
SUMMARY_MAX = 300       # the one-line summary
SHORT_TEXT_MAX = 300    # a name or phrase: origin, work area, operational owner
TAG_MAX = 100           # one tag
TEXT_MAX = 20_000       # long text: description, impact
YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class Field:
    """One field of the record (or a part of one, or a list's entries)."""

    name: str
    kind: str
    label: str                       # what the form and the documentation call it
    help: str                        # one line for people: what to write here
    expects: str                     # what the checks' messages say is expected
    required: bool = False
    example: object = None           # a value as a record holds it (None: not in the example)
    values: tuple[str, ...] = ()     # the allowed values of a choice
    what: str = ""                   # a choice's value in messages: "a stage", "an output kind"
    parts: tuple[Field, ...] = ()    # a mapping's fields (a list of mappings: its item's)
    item: Field | None = None        # a list's entries
    columns: tuple[str, ...] = ()    # register columns; a mapping's come from its parts
    column_help: str = ""            # what the register columns hold, when not as in the YAML
    noun: str = "field"              # what a mapping's keys are called in messages
    limit: int = 0                   # a slug's, text's or line's most characters
    flow: bool = False               # a mapping written on one line: {stage: idea, date: ...}
    at_least: str = ""               # a list that may not be empty: "one dated stage"
    value_labels: tuple[str, ...] = ()  # a choice's values as people read them, in `values` order

    def part(self, name: str) -> Field:
        for part in self.parts:
            if part.name == name:
                return part
        raise KeyError(f"{self.name} has no part {name!r}")

    def label_of(self, value: str) -> str:
        """A choice's value as people read it (the value itself if it has no label)."""
        return dict(zip(self.values, self.value_labels)).get(value, value)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts)

    @property
    def register_columns(self) -> tuple[str, ...]:
        return self.columns or tuple(c for p in self.parts for c in p.register_columns)


def _choice(name: str, terms, *, label: str, help: str, what: str, required: bool = False, example=None,
            columns: tuple[str, ...] = ()) -> Field:
    values = vocabulary.ids(terms)
    return Field(name, "choice", label, help, "one of " + ", ".join(values), required=required,
                 example=example, values=values, what=what, columns=columns,
                 value_labels=tuple(t.label for t in terms))


def _mapping(name: str, parts: tuple[Field, ...], **kwargs) -> Field:
    return Field(name, "mapping", expects="a mapping of " + ", ".join(p.name for p in parts), parts=parts, **kwargs)


def _text(name: str, label: str, help: str, example: str | None = None, expects: str = "text",
          limit: int = SHORT_TEXT_MAX, **kwargs) -> Field:
    return Field(name, "text", label, help, expects, example=example, columns=(name,), limit=limit, **kwargs)


def _stage_example(v: vocabulary.Vocabulary) -> list[dict]:
    """A history along the whole pathway (every open stage, in order), months apart."""
    dates = [dt.date(2021, 3, 1), dt.date(2021, 5, 10), dt.date(2021, 9, 1), dt.date(2022, 6, 15), dt.date(2023, 4, 1)]
    while len(dates) < len(v.open_stages):
        dates.append(dates[-1] + dt.timedelta(days=200))
    return [{"stage": stage.id, "date": day} for stage, day in zip(v.open_stages, dates)]


# Examples are values as a record holds them. The example record they make up is checked like
# any record whenever the documentation is written or tested (docs.py), so an example that
# the vocabulary no longer allows fails there. Tags as a record might give them, by category;
# a category the vocabulary lacks is left out.
_TAG_EXAMPLES = {"domain": ["urgent care"], "technique": ["synthetic data", "generative models"],
                 "data_type": ["tabular"], "language": ["python"]}


def _declare(v: vocabulary.Vocabulary) -> tuple[Field, ...]:
    """The record's fields, in the order a record file is written and documented."""
    tag_lists = tuple(
        Field(c.id, "list", f"Tags: {c.label.lower()}", f"{c.label} tags: free text, each once",
              "a list of tags, e.g. [nlp, imaging]", example=_TAG_EXAMPLES.get(c.id), columns=(c.id,),
              item=Field("", "text", "Tag", "a tag", "a tag", required=True, limit=TAG_MAX))
        for c in v.tag_categories)
    stage_entry = Field("", "mapping", "Stage", "a stage and the day the project entered it",
                        "a mapping {stage: STAGE, date: YYYY-MM-DD}", flow=True, parts=(
                            _choice("stage", v.stages, label="Stage", help="a stage of the pathway", what="a stage",
                                    required=True),
                            Field("date", "date", "Entered on", "the day the project entered the stage",
                                  "a date, YYYY-MM-DD", required=True)))
    output_entry = Field("", "mapping", "Output", "one thing the project published",
                         "a mapping {kind: KIND, title: TEXT, url: ADDRESS, date: YYYY-MM-DD}", flow=True, parts=(
                             _choice("kind", v.output_kinds, label="Kind", help="what kind of output it is",
                                     what="an output kind", required=True),
                             Field("title", "text", "Title", "the output's title", "text", required=True,
                                   limit=TITLE_MAX),
                             Field("url", "address", "Address", "where to read it (http:// or https://)",
                                   "a web address (http:// or https://)"),
                             Field("date", "date", "Published", "when it was published", "a date, YYYY-MM-DD")))

    def governance(name: str, label: str, help: str, column: str, example: str) -> Field:
        return _choice(name, v.governance, label=label, help=help, what="a governance value", example=example,
                       columns=(column,))

    return (
        Field("id", "slug", "Id", "a short lower-case name with hyphens that never changes; the record file is "
              "named after it", "a lower-case slug, e.g. synthetic-ae-data; the file is named <id>.yml",
              required=True, example="synthetic-ae-data", columns=("id",), limit=ID_MAX),
        _text("title", "Title", "the project's name as people know it", "Synthetic A&E data", required=True,
              limit=TITLE_MAX),
        Field("summary", "line", "One-line summary", f"what the project does, on one line of at most {SUMMARY_MAX} "
              "characters", f"one line of text, at most {SUMMARY_MAX} characters", required=True,
              example="Synthetic emergency-department records for safe development and teaching.",
              columns=("summary",), limit=SUMMARY_MAX),
        _text("description", "Description", "more about the project, in plain text (shown as text, never as HTML)",
              "A generative model trained on national A&E data.\nIts records keep the statistics, not the patients.",
              expects="plain text", limit=TEXT_MAX),
        Field("lead_team", "team", "Lead team", f"the team that leads the project: a team id from {TEAMS_FILE}",
              f"a team id from {TEAMS_FILE}", required=True, example="ai-skunkworks", columns=("lead_team",)),
        Field("partner_teams", "list", "Partner teams", f"other teams that work on it: team ids from {TEAMS_FILE}",
              "a list of team ids", example=["analytics-unit"], columns=("partner_teams",),
              column_help="team ids separated by `;`",
              item=Field("", "team", "Team", "a team id", "a team id", required=True)),
        _text("origin", "Origin", "where the idea came from", "call for ideas"),
        _text("work_area", "Main work area", "the main work area", "urgent and emergency care"),
        Field("tags", "mapping", "Tags", "free-text tags by category, to find similar projects",
              "a mapping of tag categories to lists of tags", noun="tag category", parts=tag_lists,
              example={c.id: _TAG_EXAMPLES[c.id] for c in v.tag_categories if c.id in _TAG_EXAMPLES},
              column_help="tags, separated by `;`"),
        _choice("data_access", v.data_access, label="Data access", help="the most sensitive data the project uses",
                what="a data access class", example="synthetic",
                columns=("data_access",)),
        Field("stages", "stages", "Stages", "the dated stages the project has entered, oldest first; the latest is "
              "its current stage", "a list of {stage: STAGE, date: YYYY-MM-DD} entries, oldest first",
              required=True, example=_stage_example(v), item=stage_entry, parts=stage_entry.parts,
              at_least="one dated stage", columns=v.stage_ids,
              column_help="the date each stage was entered (empty if never; several separated by `;`)"),
        Field("years", "years", "Years", "the years the project is active; by default from the first stage's year "
              "to the year it was retired", "a mapping {from: YEAR, to: YEAR}", flow=True,
              example={"from": 2021, "to": 2024}, column_help="active years", parts=(
                  Field("from", "year", "First active year", "the first year the project is active",
                        "a year, e.g. 2021", required=True, columns=("years_from",)),
                  Field("to", "year", "Last active year", "the last year it was active; left out while it is active",
                        "a year, e.g. 2021", columns=("years_to",)))),
        Field("repositories", "repositories", "Repositories", "addresses of its code repositories, on any host; an "
              "empty list means no code repository", "a list of repository addresses",
              example=["https://github.com/nhsx/synthetic-ae", "https://gitlab.com/group/subgroup/project",
                       "https://dev.azure.com/org/project/_git/repo"],
              columns=("repositories",), column_help="addresses separated by `;` or new lines",
              item=Field("", "repository", "Repository", "a repository address",
                         "a repository address (https://HOST/OWNER/NAME)")),
        Field("outputs", "outputs", "Outputs", "what the project published", "a list of {kind, title, url, date} "
              "entries", item=output_entry, parts=output_entry.parts, columns=vocabulary.ids(v.output_kinds),
              example=[{"kind": "case_study", "title": "Synthetic A&E data case study", "url": "https://example.org/cs",
                        "date": dt.date(2023, 5, 1)}],
              column_help="address of that output (several separated by `;`); its title is the kind's label"),
        _mapping("governance", (
            governance("dpia", "Data protection impact assessment", "the DPIA", "dpia", "done"),
            governance("aia", "Algorithmic impact assessment", "the algorithmic impact assessment (done: published)",
                       "aia_status", "not needed"),
            governance("clinical_safety_case", "Clinical safety case", "the clinical safety case",
                       "clinical_safety_case", "not needed")),
            label="Governance", help="where the project's assessments stand", column_help="governance values",
            example={}),
        _text("operational_owner", "Operational owner", "who runs it after handover to operations",
              "NHS England Data Services"),
        _mapping("impact", (
            Field("text", "text", "Impact", "the difference it made, in words", "text",
                  example="Used to teach analysts and to test pipelines without patient data.", columns=("impact",),
                  limit=TEXT_MAX),
            Field("hours_saved_per_year", "number", "Hours saved a year", "staff hours saved a year (0 or more)",
                  "a number of 0 or more", example=1200, columns=("hours_saved_per_year",)),
            Field("organisations_using", "count", "Organisations using", "how many organisations use it",
                  "a whole number of 0 or more", example=14, columns=("organisations_using",))),
            label="Impact", help="what difference the project made", column_help="impact", example={}),
    )


#: The record's fields, in the order a record file is written and documented.
RECORD: tuple[Field, ...] = _declare(vocabulary.current())
NAMES: tuple[str, ...] = tuple(f.name for f in RECORD)
BY_NAME: dict[str, Field] = {f.name: f for f in RECORD}
REQUIRED: tuple[str, ...] = tuple(f.name for f in RECORD if f.required)
#: The register's columns, in the order of data/projects/README.md and register-template.csv.
REGISTER_COLUMNS: tuple[str, ...] = tuple(c for f in RECORD for c in f.register_columns)


def field(path: str) -> Field:
    """A field by its dotted path: "lead_team", "governance.dpia", "stages.stage"."""
    name, _, rest = path.partition(".")
    found = BY_NAME[name]
    for part in rest.split(".") if rest else ():
        found = found.part(part)
    return found


def example(fields: tuple[Field, ...] = RECORD) -> dict:
    """The example record of the documentation: every field's example (parts' examples fill
    a mapping whose own example is {})."""
    record = {}
    for f in fields:
        value = f.example
        if f.kind == "mapping" and not f.flow and value == {}:
            value = {p.name: p.example for p in f.parts if p.example is not None} or None
        if value is not None:
            record[f.name] = value
    return record
