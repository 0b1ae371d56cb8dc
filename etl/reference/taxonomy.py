"""The package taxonomy (data/taxonomy.yml): the category of each known Python and R package."""
from __future__ import annotations

from pathlib import Path

from etl import config
from etl.reference.reading import ReferenceError, shown
from etl.shared import yamlfile

TAXONOMY = config.DATA_DIR / "taxonomy.yml"


def rows(path: Path | None = None) -> dict[str, list[dict]]:
    """Rows for `categories` and `package_categories`, checked (default: data/taxonomy.yml)."""
    path = TAXONOMY if path is None else path
    raw = yamlfile.read(path, ReferenceError, what="taxonomy file")
    path = shown(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), list) or not isinstance(raw.get("packages"), dict):
        raise ReferenceError(f"{path}: expected `categories:` (a list) and `packages:` (pypi and cran mappings)")
    categories, problems = [], []
    for i, c in enumerate(raw["categories"], start=1):
        if not isinstance(c, dict) or not c.get("id") or not c.get("label"):
            problems.append(f"{path}: categories[{i}]: {c!r} needs an id and a label")
            continue
        categories.append({"category": str(c["id"]), "label": str(c["label"]), "description": c.get("description")})
    known = {c["category"] for c in categories}
    found = []
    for ecosystem, packages in raw["packages"].items():
        if not isinstance(packages, dict):
            problems.append(f"{path}: packages.{ecosystem}: expected `package: category` lines")
            continue
        for package, category in packages.items():
            if category not in known:
                problems.append(f"{path}: packages.{ecosystem}.{package}: {category!r} is not a category")
            found.append({"ecosystem": ecosystem, "package": str(package), "category": category})
    if problems:
        raise ReferenceError("\n".join(problems))
    return {"categories": categories, "package_categories": found}

