"""The Assembly's tech radar (data/radar.yml): each technology's quadrant, how its use is
measured, and its dated ring moves with reasons. The quadrants and rings themselves are the
vocabulary's (data/vocabulary.yml)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from analyses import vocabulary
from etl import config
from etl.reference.reading import ReferenceError, shown, unknown
from etl.shared import yamlfile

RADAR = config.DATA_DIR / "radar.yml"
MATCH_KINDS = ("pypi", "cran", "npm", "conda", "language")
ENTRY_KEYS = {"name", "quadrant", "match", "history", "__line__"}
MOVE_KEYS = {"date", "ring", "rationale", "__line__"}


def rows(path: Path | None = None, words: vocabulary.Vocabulary | None = None) -> dict[str, list[dict]]:
    """Rows for `radar_entries` and `radar_moves`, checked (default: data/radar.yml against the
    project's vocabulary)."""
    path = RADAR if path is None else path
    words = words or vocabulary.current()
    raw = yamlfile.read(path, ReferenceError, what="radar file", with_lines=True)
    path = shown(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise ReferenceError(f"{path}: expected an `entries:` list")
    if "quadrants" in raw:
        listed = raw["quadrants"] if isinstance(raw["quadrants"], list) else []
        line = next((f":{q['__line__']}" for q in listed if isinstance(q, dict)), "")
        raise ReferenceError(f"{path}{line}: quadrants: the quadrants are declared in data/vocabulary.yml "
                             "(radar.quadrants); remove them here")
    quadrants, rings = vocabulary.ids(words.quadrants), vocabulary.ids(words.rings)
    entries, moves, problems = [], [], []
    for item in raw["entries"]:
        if not isinstance(item, dict):
            problems.append(f"{path}: entries: {item!r} is not an entry with name, quadrant, match and history")
            continue
        where = f"{path}:{item.get('__line__', '?')}: {item.get('name', '?')}"
        problems += unknown(item, ENTRY_KEYS, where)
        if not str(item.get("name") or "").strip():
            problems.append(f"{where}: name: every entry needs one")
            continue
        history = item.get("history") or []
        if item.get("quadrant") not in quadrants:
            problems.append(f"{where}: quadrant: {item.get('quadrant')!r} is not one of {', '.join(quadrants)}")
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
            problems += unknown(move, MOVE_KEYS, w)
            if move.get("ring") not in rings:
                problems.append(f"{w}: ring: {move.get('ring')!r} is not one of {', '.join(rings)}")
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
