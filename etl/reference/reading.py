"""What the reference files share: their error, and how a problem names the file and a field."""
from __future__ import annotations

from pathlib import Path

from etl import config


class ReferenceError(ValueError):
    """taxonomy.yml or radar.yml holds a mistake; the message says where."""


def shown(path: Path) -> str:
    """The path as people know it: relative to the project when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)


def unknown(item: dict, allowed: set[str], where: str) -> list[str]:
    """A key the file format does not have: often a comma inside `{...}` that split a sentence."""
    return [f"{where}: {key!r} is not a field (allowed: {', '.join(sorted(allowed - {'__line__'}))}); "
            f"a comma inside {{...}} splits the text there, so put such text in quotes"
            for key in item if key not in allowed]
