"""Reading the project's YAML files (sources, teams, taxonomy, radar, project records) with
errors that say which file and line is wrong; `read` also refuses a key given twice in one
mapping, which PyYAML would otherwise resolve silently by keeping the last."""
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


def repeated_keys(loader: yaml.SafeLoader, node: yaml.Node | None) -> list[tuple[int, object, int]]:
    """(line, key, line of its first use) of every key given twice in one mapping under `node`,
    in file order. PyYAML keeps the last value of such a key silently: an entry edited in one
    place and left in another would change the data without a word."""
    found, seen_nodes, todo = [], set(), [node] if node is not None else []
    while todo:
        current = todo.pop()
        if id(current) in seen_nodes:  # an alias repeats a node; a recursive one would loop
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            first: dict = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    key = loader.construct_object(key_node)  # as the mapping will hold it: 1 and 1.0 are one key
                    line = key_node.start_mark.line + 1
                    if key in first:
                        found.append((line, key_node.value, first[key]))
                    first.setdefault(key, line)
                todo += [key_node, value_node]
        elif isinstance(current, yaml.SequenceNode):
            todo += current.value
    return sorted(found, key=lambda f: f[0])


def read(path: Path, error: type[Exception], *, what: str = "file", with_lines: bool = False):
    """The parsed content of `path`; `error` (a ValueError subclass) names the file and line on
    failure, including every key given twice in one mapping (one line each)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
    loader = (LineLoader if with_lines else Loader)(text)
    try:
        node = loader.get_single_node()
        repeated = repeated_keys(loader, node)
        if repeated:
            raise error("\n".join(f"{path}:{line}: key {key!r} is given twice in one mapping (first on line {first}); "
                                  "give each key once" for line, key, first in repeated))
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise error(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    finally:
        loader.dispose()
