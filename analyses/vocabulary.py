"""The project's vocabulary, declared once in data/vocabulary.yml: the pathway (its phases and
stages), data-access classes, governance values, output kinds, tag categories, the tech
radar's quadrants and rings, and the needs' categories, statuses and relations to projects.

`current()` is the checked vocabulary of the project's file, read once per process; `load(path)`
reads and checks any file. Every mistake in a file is reported at once, one per line, each
naming the file, the line and the field (VocabularyError). The warehouse's `stages` table, the
record checks, the register import, the submission form, the pages and the charts take their
lists from here, so none of them spells out a stage, a class or a ring itself.
"""
from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "data" / "vocabulary.yml"
MAX_BYTES = 200_000  # the file is a few kilobytes; anything near this is not a vocabulary
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class VocabularyError(ValueError):
    """A vocabulary file holds mistakes; str() lists them, one per line."""


@dataclass(frozen=True)
class Term:
    """One word of a list: `id` is what files and the warehouse hold, `label` what people read."""

    id: str
    label: str


@dataclass(frozen=True)
class Stage(Term):
    ordinal: int   # position on the pathway, 1 = first
    phase: str     # a phase id
    colour: str    # #RRGGBB
    closed: bool   # off the pathway: may follow any stage, and any stage may follow it


@dataclass(frozen=True)
class Ring(Term):
    meaning: str   # what the ring asks of teams, e.g. "use by default"
    colour: str    # #RRGGBB


@dataclass(frozen=True)
class Status(Term):
    first: bool    # only a need's first history entry may have it (raised)
    final: bool    # only a need's last history entry may have it (delivered, declined)


@dataclass(frozen=True)
class Vocabulary:
    phases: tuple[Term, ...]
    stages: tuple[Stage, ...]
    data_access: tuple[Term, ...]
    governance: tuple[Term, ...]
    output_kinds: tuple[Term, ...]
    tag_categories: tuple[Term, ...]
    quadrants: tuple[Term, ...]
    rings: tuple[Ring, ...]
    need_categories: tuple[Term, ...]
    need_statuses: tuple[Status, ...]
    need_relations: tuple[Term, ...]

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return ids(self.stages)

    @property
    def open_stages(self) -> tuple[Stage, ...]:
        """The stages on the pathway, in order (closed ones left out)."""
        return tuple(s for s in self.stages if not s.closed)

    @property
    def closed_stages(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.closed)

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(f"{stage_id!r} is not a stage (expected one of {', '.join(self.stage_ids)})")


def ids(terms: Iterable[Term]) -> tuple[str, ...]:
    return tuple(t.id for t in terms)


def labels(terms: Iterable[Term]) -> dict[str, str]:
    """Label by id, in the vocabulary's order."""
    return {t.id: t.label for t in terms}


@functools.cache
def current() -> Vocabulary:
    """The project's vocabulary (data/vocabulary.yml), checked; read once per process."""
    return load(FILE)


# --- reading and checking ---------------------------------------------------------------------

# Each list of the file: the keys of its entries and what each holds. "text" and "colour" are
# required; "flag" (true or false) may be left out and then means false.
_TERM = {"id": "text", "label": "text"}
_LISTS = {
    "pathway.phases": _TERM,
    "pathway.stages": {**_TERM, "phase": "text", "colour": "colour", "closed": "flag"},
    "data_access": _TERM,
    "governance": _TERM,
    "output_kinds": _TERM,
    "tag_categories": _TERM,
    "radar.quadrants": _TERM,
    "radar.rings": {**_TERM, "meaning": "text", "colour": "colour"},
    "needs.categories": _TERM,
    "needs.statuses": {**_TERM, "first": "flag", "final": "flag"},
    "needs.relations": _TERM,
}
_SECTIONS = {"pathway": ("phases", "stages"), "data_access": None, "governance": None, "output_kinds": None,
             "tag_categories": None, "radar": ("quadrants", "rings"), "needs": ("categories", "statuses", "relations")}


class _Loader(yaml.SafeLoader):
    """Keeps each mapping's line under "__line__" and refuses aliases (nothing here repeats,
    and an alias bomb would make the checks below walk a huge tree)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in this file",
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else f"the number {value}"


class _Checker:
    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[str] = []

    def add(self, line: int | None, field: str, message: str) -> None:
        where = f"{self.shown}:{line}" if line else self.shown
        self.problems.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")

    def keys(self, mapping: dict, allowed, field: str, line: int | None) -> None:
        for key in mapping:
            if key == "__line__" or key in allowed:
                continue
            close = difflib.get_close_matches(str(key), list(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (expected one of {', '.join(allowed)})"
            self.add(line, field, f"unknown field {key!r}{hint}")

    def section(self, raw: dict, name: str, parts) -> dict[str, list]:
        """The lists of one section, by dotted name ({} for what is missing or wrong)."""
        value = raw.get(name)
        if parts is None:
            return {name: self.entries(value, name, None)}
        if not isinstance(value, dict):
            self.add(None, name, f"expected a mapping of {' and '.join(parts)}, found {_value(value)}")
            return {}
        self.keys(value, parts, name, value["__line__"])
        return {f"{name}.{part}": self.entries(value.get(part), f"{name}.{part}", value["__line__"]) for part in parts}

    def entries(self, value, field: str, line: int | None) -> list[dict]:
        """The entries of a list, each checked against its keys; ids unique."""
        keys = _LISTS[field]
        if not isinstance(value, list) or not value:
            self.add(line, field, f"expected a list of {{{', '.join(k for k in keys if keys[k] != 'flag')}}} "
                                  f"entries, found {'an empty list' if value == [] else _value(value)}")
            return []
        kept, first = [], {}
        for i, item in enumerate(value, 1):
            where = f"{field}[{i}]"
            if not isinstance(item, dict):
                self.add(line, where, f"expected a mapping {{id: ..., label: ...}}, found {_value(item)}")
                continue
            at = item["__line__"]
            self.keys(item, keys, where, at)
            entry, whole = {"__line__": at, "__where__": where}, True
            for key, kind in keys.items():
                got = item.get(key)
                if kind == "flag":
                    if got is not None and not isinstance(got, bool):
                        self.add(at, f"{where}.{key}", f"expected true or false, found {_value(got)}")
                    entry[key] = got is True
                elif got is None or (isinstance(got, str) and not got.strip()):
                    self.add(at, f"{where}.{key}", f"required field is missing ({_MEANING[key]})")
                    whole = False
                elif not isinstance(got, str):
                    self.add(at, f"{where}.{key}", f"expected text, found {_value(got)}")
                    whole = False
                elif kind == "colour" and not _COLOUR.match(got.strip()):
                    self.add(at, f"{where}.{key}", f"{got!r} is not a colour (expected #RRGGBB, e.g. #005EB8)")
                    whole = False
                else:
                    entry[key] = got.strip()
            if not whole:
                continue
            if entry["id"] in first:
                self.add(at, f"{where}.id", f"{entry['id']!r} is also the id of {first[entry['id']]}; "
                                            "expected each id once")
                continue
            first[entry["id"]] = f"{where} (line {at})"
            kept.append(entry)
        return kept


_MEANING = {"id": "the word files and the warehouse hold", "label": "the words people read",
            "phase": "a phase id from pathway.phases", "colour": "#RRGGBB",
            "meaning": "what the ring asks of teams"}


def _read(path: Path, shown: str):
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise VocabularyError(f"{shown}: no such file") from None
    if len(raw) > MAX_BYTES:
        raise VocabularyError(f"{shown}: {len(raw):,} bytes; a vocabulary is a few kilobytes "
                              f"(at most {MAX_BYTES:,})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VocabularyError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 -- a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise VocabularyError(f"{shown}{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None


def load(path: Path = FILE) -> Vocabulary:
    """The vocabulary in `path`, checked; VocabularyError lists every mistake."""
    shown = _shown(path)
    raw = _read(path, shown)
    if not isinstance(raw, dict):
        raise VocabularyError(f"{shown}: expected a mapping of {', '.join(_SECTIONS)}, found {_value(raw)}")
    c = _Checker(shown)
    c.keys(raw, _SECTIONS, "", raw["__line__"])
    lists: dict[str, list[dict]] = {}
    for name, parts in _SECTIONS.items():
        lists.update(c.section(raw, name, parts))
    _check_stages(c, lists.get("pathway.phases", []), lists.get("pathway.stages", []))
    _check_statuses(c, lists.get("needs.statuses", []))
    if c.problems:
        raise VocabularyError("\n".join(c.problems))
    terms = {name: tuple(Term(e["id"], e["label"]) for e in entries) for name, entries in lists.items()}
    return Vocabulary(
        phases=terms["pathway.phases"],
        stages=tuple(Stage(e["id"], e["label"], n, e["phase"], e["colour"].upper(), e["closed"])
                     for n, e in enumerate(lists["pathway.stages"], 1)),
        data_access=terms["data_access"], governance=terms["governance"], output_kinds=terms["output_kinds"],
        tag_categories=terms["tag_categories"], quadrants=terms["radar.quadrants"],
        rings=tuple(Ring(e["id"], e["label"], e["meaning"], e["colour"].upper()) for e in lists["radar.rings"]),
        need_categories=terms["needs.categories"],
        need_statuses=tuple(Status(e["id"], e["label"], e["first"], e["final"]) for e in lists["needs.statuses"]),
        need_relations=terms["needs.relations"])


def _check_stages(c: _Checker, phases: list[dict], stages: list[dict]) -> None:
    """Each stage's phase exists; a phase holds closed stages or open ones, not both; some stage is open."""
    known = [p["id"] for p in phases]
    kinds: dict[str, dict[bool, list[str]]] = {}
    for stage in stages:
        if known and stage["phase"] not in known:
            c.add(stage["__line__"], f"{stage['__where__']}.phase",
                  f"{stage['phase']!r} is not a phase (expected one of {', '.join(known)})")
            continue
        kinds.setdefault(stage["phase"], {True: [], False: []})[stage["closed"]].append(stage["id"])
    for phase in phases:
        mixed = kinds.get(phase["id"])
        if mixed and mixed[True] and mixed[False]:
            c.add(phase["__line__"], phase["__where__"],
                  f"phase {phase['id']!r} holds closed stages ({', '.join(mixed[True])}) and open ones "
                  f"({', '.join(mixed[False])}); a phase holds one kind, so queries can leave closed stages out "
                  "by their phase")
    if stages and all(s["closed"] for s in stages):
        c.add(None, "pathway.stages", "every stage is closed; expected at least one stage on the pathway")


def _check_statuses(c: _Checker, statuses: list[dict]) -> None:
    """No status is both first and final; some status may be neither (a need's middle)."""
    for status in statuses:
        if status["first"] and status["final"]:
            c.add(status["__line__"], status["__where__"], f"status {status['id']!r} is marked both first and final; "
                                                           "a status may be one of them at most")
    if statuses and all(s["first"] or s["final"] for s in statuses):
        c.add(None, "needs.statuses", "every status is marked first or final; expected at least one status "
                                      "a need may pass through")
