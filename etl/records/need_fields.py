"""The need record's schema: every field of a need file (data/needs/<id>.yml), declared once.

A need is something the Assembly's teams ask for (a tool, a platform, access to data, guidance,
training) and the Assembly's dated position on it. Its fields are declared as a project
record's are (fields.Field), so the same machinery follows from them: the checks (needs.py,
with checks.py's kinds), the YAML a need is written as (yaml_writer.py), the register's columns
(need_register.py) and the field documentation in data/needs/README.md (need_docs.py).

Kinds of its own, checked in needs.py: technology (a radar entry's name or a taxonomy category
id), technologies (a list of them, each once), project (a project record's id), need_projects
(a list of {project, relation}, each project once) and history (dated statuses: dates never go
back, the first and final statuses of the vocabulary only first and last).
"""
from __future__ import annotations

import datetime as dt

from analyses import vocabulary
from etl.records.fields import ID_MAX, SUMMARY_MAX, TEAMS_FILE, TEXT_MAX, TITLE_MAX, Field

RADAR_FILE = "data/radar.yml"
TAXONOMY_FILE = "data/taxonomy.yml"
PROJECTS_FOLDER = "data/projects"
ASKED_MAX = 300        # who was asked: a role or body
POSITION_MAX = 5_000   # the Assembly's position, in words


def _choice(name: str, terms, *, label: str, help: str, what: str, example=None, columns=()) -> Field:
    values = vocabulary.ids(terms)
    return Field(name, "choice", label, help, "one of " + ", ".join(values), required=True, example=example,
                 values=values, what=what, columns=columns, value_labels=tuple(t.label for t in terms))


def _history_columns(v: vocabulary.Vocabulary) -> tuple[str, ...]:
    return tuple(c for s in v.need_statuses for c in (s.id, f"{s.id}_asked", f"{s.id}_position"))


def _declare(v: vocabulary.Vocabulary) -> tuple[Field, ...]:
    """The need's fields, in the order a need file is written and documented."""
    project_entry = Field("", "mapping", "Project", "a project and how the need bears on it",
                          "a mapping {project: PROJECT-ID, relation: RELATION}", flow=True, parts=(
                              Field("project", "project", "Project", f"a project id (a record in {PROJECTS_FOLDER})",
                                    "a project id", required=True),
                              _choice("relation", v.need_relations, label="Relation",
                                      help="whether the need blocks the project or would help it",
                                      what="a relation")))
    history_entry = Field("", "mapping", "Status", "a status the need reached, when, who was asked and the "
                          "Assembly's position", "a mapping {status: STATUS, date: YYYY-MM-DD, asked: TEXT, "
                          "position: TEXT}", parts=(
                              _choice("status", v.need_statuses, label="Status", help="where the need stood",
                                      what="a need status"),
                              Field("date", "date", "Date", "the day the need reached the status",
                                    "a date, YYYY-MM-DD", required=True),
                              Field("asked", "text", "Asked", "who was asked: a role or body (e.g. National Data "
                                    "Platform team), never a person's e-mail address", "text", limit=ASKED_MAX),
                              Field("position", "text", "Position", "the Assembly's position then, in words",
                                    "text", required=True, limit=POSITION_MAX)))
    first = [s.id for s in v.need_statuses if s.first]
    final = [s.id for s in v.need_statuses if s.final]
    return (
        Field("id", "slug", "Id", "a short lower-case name with hyphens that never changes; the need file is named "
              "after it", "a lower-case slug, e.g. gpu-for-imaging; the file is named <id>.yml", required=True,
              example="gpu-for-imaging", columns=("id",), limit=ID_MAX),
        Field("title", "text", "Title", "the need in a few words", "text", required=True,
              example="GPU access for imaging work", columns=("title",), limit=TITLE_MAX),
        Field("summary", "line", "One-line summary", f"what is needed and why, on one line of at most {SUMMARY_MAX} "
              "characters", f"one line of text, at most {SUMMARY_MAX} characters", required=True,
              example="Imaging teams need GPUs on the operational platform to train and validate models.",
              columns=("summary",), limit=SUMMARY_MAX),
        Field("description", "text", "Description", "more about the need, in plain text (shown as text, never as "
              "HTML)", "plain text", example="Training on CPUs takes days; models are validated outside the "
              "platform.\nA shared GPU pool would serve every imaging project.", columns=("description",),
              limit=TEXT_MAX),
        _choice("category", v.need_categories, label="Category", help="what the need is about",
                what="a need category", example=next((c.id for c in v.need_categories if c.id == "platform"),
                                                     v.need_categories[0].id),
                columns=("category",)),
        Field("raised_by", "list", "Raised by", f"the teams that raised it: team ids from {TEAMS_FILE}",
              "a list of team ids", required=True, at_least="one team", example=["ai-imaging", "ai-skunkworks"],
              columns=("raised_by",), column_help="team ids separated by `;`",
              item=Field("", "team", "Team", "a team id", "a team id", required=True)),
        Field("raised_on", "date", "Raised on", "the day the need was raised with the Assembly (on or before the "
              "first status)", "a date, YYYY-MM-DD", required=True, example=dt.date(2025, 1, 15),
              columns=("raised_on",)),
        Field("technologies", "technologies", "Technologies", f"what it concerns: names of entries in {RADAR_FILE} "
              f"(e.g. PyTorch) or category ids of {TAXONOMY_FILE} (e.g. deep-learning)",
              "a list of radar names or taxonomy category ids", example=["PyTorch", "deep-learning"],
              columns=("technologies",), column_help="technologies separated by `;`",
              item=Field("", "technology", "Technology", "a radar entry's name or a taxonomy category id",
                         f"a radar entry's name ({RADAR_FILE}) or a category id ({TAXONOMY_FILE})", required=True)),
        Field("projects", "need_projects", "Projects", "projects the need blocks or would help, each once",
              "a list of {project: PROJECT-ID, relation: RELATION} entries", item=project_entry,
              parts=project_entry.parts, example=[{"project": "synthetic-brain-mri", "relation": "blocks"}],
              columns=vocabulary.ids(v.need_relations),
              column_help="ids of the projects it bears on that way, separated by `;`"),
        Field("history", "history", "History", "the dated statuses the need has reached, oldest first; the latest "
              "is its status now" + (f"; {_either(first)} may only come first" if first else "")
              + (f", {_either(final)} only last" if final else ""),
              "a list of {status, date, asked, position} entries, oldest first", required=True,
              at_least="one dated status", item=history_entry, parts=history_entry.parts,
              example=_history_example(v), columns=_history_columns(v),
              column_help="the date the need reached that status, who was asked and the Assembly's position then "
                          "(one entry per status)"),
    )


def _either(values) -> str:
    quoted = [f"`{v}`" for v in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _history_example(v: vocabulary.Vocabulary) -> list[dict]:
    """Raised, discussed and a position agreed: the first three statuses that are not final."""
    words = ["Raised at the quarterly meeting by two imaging teams.",
             "Platform team asked for numbers of GPU hours a month; teams to send them.",
             "The Assembly asks for a shared GPU pool on the platform by the next financial year."]
    dates = [dt.date(2025, 1, 15), dt.date(2025, 2, 20), dt.date(2025, 4, 10)]
    asked = [None, "National Data Platform team", "National Data Platform team"]
    statuses = [s for s in v.need_statuses if not s.final][:3]
    return [{k: val for k, val in (("status", s.id), ("date", d), ("asked", a), ("position", w)) if val is not None}
            for s, d, a, w in zip(statuses, dates, asked, words)]


#: The need's fields, in the order a need file is written and documented.
NEED: tuple[Field, ...] = _declare(vocabulary.current())
NAMES: tuple[str, ...] = tuple(f.name for f in NEED)
BY_NAME: dict[str, Field] = {f.name: f for f in NEED}
#: The register's columns, in the order of data/needs/README.md and its register-template.csv.
REGISTER_COLUMNS: tuple[str, ...] = tuple(c for f in NEED for c in f.register_columns)
