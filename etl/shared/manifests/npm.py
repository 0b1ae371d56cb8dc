"""npm manifests: package.json."""
from __future__ import annotations

import json

from etl.shared.manifests.common import Collector, line_of, load_json_object, unpinned


def parse_package_json(out: Collector, text: str) -> None:
    """package.json: dependencies, devDependencies, peerDependencies and optionalDependencies."""
    data = load_json_object(out, text)
    for field in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        table = data.get(field)
        if table is None:
            continue
        if not isinstance(table, dict):
            out.bad(f"{field} should be an object", line_of(text, f'"{field}"'))
            continue
        for name, spec in table.items():
            if not isinstance(spec, str) or not name.strip():
                out.bad(f"{field}: unreadable entry {name!r}: {spec!r}", line_of(text, f'"{name}"'))
                continue
            out.add("npm", name.strip(), unpinned(spec))


def package_json_name(text: str):
    """The name a package.json publishes (None when the top level is not an object)."""
    data = json.loads(text)
    return data.get("name") if isinstance(data, dict) else None
