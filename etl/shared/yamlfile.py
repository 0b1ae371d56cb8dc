"""Reading the project's YAML files (sources, teams, project records) with errors that
say which file and line is wrong."""
from __future__ import annotations

from pathlib import Path

import yaml


class Loader(yaml.SafeLoader):
    """A safe loader that keeps an impossible date (2021-13-01) as text, so the checks can
    name the field and value instead of the YAML reader failing without a line."""


class LineLoader(Loader):
    """Loader that also records each mapping's line under the key "__line__"."""


def _timestamp(loader, node):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read(path: Path, error: type[Exception], *, what: str = "file", with_lines: bool = False):
    """The parsed content of `path`; `error` (a ValueError subclass) names the file and line on failure."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=LineLoader if with_lines else Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise error(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
