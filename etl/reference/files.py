"""Reference data authored by the Assembly, kept in git and loaded into every warehouse build:
the package taxonomy (data/taxonomy.yml) and the curated tech radar (data/radar.yml)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl import config, db
from etl.shared import yamlfile
from etl.warehouse import load

TAXONOMY = config.DATA_DIR / "taxonomy.yml"
RADAR = config.DATA_DIR / "radar.yml"
RINGS = ("adopt", "trial", "assess", "hold")
MATCH_KINDS = ("pypi", "cran", "npm", "conda", "language")
ENTRY_KEYS = {"name", "quadrant", "match", "history", "__line__"}
MOVE_KEYS = {"date", "ring", "rationale", "__line__"}


def _shown(path: Path) -> str:
    """The path as people know it: relative to the project when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)


def _unknown(item: dict, allowed: set[str], where: str) -> list[str]:
    """A key the file format does not have: often a comma inside `{...}` that split a sentence."""
    return [f"{where}: {key!r} is not a field (allowed: {', '.join(sorted(allowed - {'__line__'}))}); "
            f"a comma inside {{...}} splits the text there, so put such text in quotes"
            for key in item if key not in allowed]


class ReferenceError(ValueError):
    """taxonomy.yml or radar.yml holds a mistake; the message says where."""


def taxonomy(path: Path = TAXONOMY) -> dict[str, list[dict]]:
    """Rows for `categories` and `package_categories`."""
    raw = yamlfile.read(path, ReferenceError, what="taxonomy file")
    path = _shown(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), list) or not isinstance(raw.get("packages"), dict):
        raise ReferenceError(f"{path}: expected `categories:` (a list) and `packages:` (pypi and cran mappings)")
    categories, problems = [], []
    for i, c in enumerate(raw["categories"], start=1):
        if not isinstance(c, dict) or not c.get("id") or not c.get("label"):
            problems.append(f"{path}: categories[{i}]: {c!r} needs an id and a label")
            continue
        categories.append({"category": str(c["id"]), "label": str(c["label"]), "description": c.get("description")})
    known = {c["category"] for c in categories}
    rows = []
    for ecosystem, packages in raw["packages"].items():
        if not isinstance(packages, dict):
            problems.append(f"{path}: packages.{ecosystem}: expected `package: category` lines")
            continue
        for package, category in packages.items():
            if category not in known:
                problems.append(f"{path}: packages.{ecosystem}.{package}: {category!r} is not a category")
            rows.append({"ecosystem": ecosystem, "package": str(package), "category": category})
    if problems:
        raise ReferenceError("\n".join(problems))
    return {"categories": categories, "package_categories": rows}


def radar(path: Path = RADAR) -> dict[str, list[dict]]:
    """Rows for `radar_entries` and `radar_moves`, checked."""
    raw = yamlfile.read(path, ReferenceError, what="radar file", with_lines=True)
    path = _shown(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise ReferenceError(f"{path}: expected an `entries:` list")
    quadrants = {q["id"] for q in raw.get("quadrants") or []}
    entries, moves, problems = [], [], []
    for item in raw["entries"]:
        if not isinstance(item, dict):
            problems.append(f"{path}: entries: {item!r} is not an entry with name, quadrant, match and history")
            continue
        where = f"{path}:{item.get('__line__', '?')}: {item.get('name', '?')}"
        problems += _unknown(item, ENTRY_KEYS, where)
        if not str(item.get("name") or "").strip():
            problems.append(f"{where}: name: every entry needs one")
            continue
        history = item.get("history") or []
        if item.get("quadrant") not in quadrants:
            problems.append(f"{where}: quadrant: {item.get('quadrant')!r} is not one of {', '.join(sorted(quadrants))}")
        match = item.get("match") or {}
        if not isinstance(match, dict):
            problems.append(f"{where}: match: expected {{kind: name}}, for example {{pypi: pandas}}")
            match = {}
        match = {k: str(v) for k, v in match.items() if k != "__line__"}
        if len(match) > 1 or (match and next(iter(match)) not in MATCH_KINDS):
            problems.append(f"{where}: match: expected one of {', '.join(MATCH_KINDS)} with a name")
        if not history or not isinstance(history, list) or not all(isinstance(m, dict) for m in history):
            problems.append(f"{where}: history: expected a list of dated rings (date, ring, rationale)")
            continue
        previous, last_date = None, None
        for move in history:
            w = f"{path}:{move.get('__line__', '?')}: {item['name']}: history"
            problems += _unknown(move, MOVE_KEYS, w)
            if move.get("ring") not in RINGS:
                problems.append(f"{w}: ring: {move.get('ring')!r} is not one of {', '.join(RINGS)}")
            if not isinstance(move.get("date"), dt.date):
                problems.append(f"{w}: date: {move.get('date')!r} is not an ISO date (YYYY-MM-DD)")
                continue
            if last_date and move["date"] <= last_date:
                problems.append(f"{w}: date: {move['date']} is not after {last_date}")
            if not str(move.get("rationale") or "").strip():
                problems.append(f"{w}: rationale: every ring needs a reason")
            moves.append({"name": item["name"], "moved_on": move["date"], "ring_from": previous,
                          "ring_to": move.get("ring"), "rationale": str(move.get("rationale", "")).strip()})
            previous, last_date = move.get("ring"), move["date"]
        kind, value = next(iter(match.items())) if len(match) == 1 else (None, None)
        entries.append({"name": item["name"], "quadrant": item.get("quadrant"), "ring": history[-1].get("ring"),
                        "since": history[-1].get("date"), "rationale": str(history[-1].get("rationale", "")).strip(),
                        "match_kind": kind, "match_value": value})
    names = [e["name"] for e in entries]
    problems += [f"{path}: {n!r} is on the radar more than once" for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise ReferenceError("\n".join(problems))
    return {"radar_entries": entries, "radar_moves": moves}


def save(con) -> None:
    """Replace the reference tables with the current files' content."""
    for rows in (taxonomy(TAXONOMY), radar(RADAR)):  # read at call time: tests point them elsewhere
        for table, batch in rows.items():
            db.run(con, f'DELETE FROM "{table}"')
            load.save_rows(con, table, batch)
