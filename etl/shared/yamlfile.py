"""Reading YAML the project is given (project records, teams, taxonomy, radar, sources, the
import-name mapping, conda environment files in repositories), bounded and with errors that
say which file and line is wrong. `read` also refuses a key given twice in one mapping, which
PyYAML would otherwise resolve silently by keeping the last.

The bounds: YAML's aliases (`*name`) repeat a value without copying it, so a few hundred bytes
can stand for billions of values ("billion laughs") and any walk over them, or over a recursive
one, never ends. The loader counts values as it composes the document, an alias as many as the
value it repeats, and stops past MAX_VALUES (or a caller's tighter limit: a project record
has its own); it refuses an alias inside the value it names and nesting deeper than MAX_DEPTH.
Files over MAX_BYTES are refused before they are read. PyYAML's reader is pure Python (tens of
microseconds a value), so the limits also bound the time a file can cost.
"""
from __future__ import annotations

from pathlib import Path

import yaml

MAX_BYTES = 1_000_000   # a YAML file: a project record, teams.yml, sources.yml, an environment.yml
MAX_VALUES = 100_000    # values in one file, each alias counting as the values it repeats
MAX_DEPTH = 50          # mappings and lists inside one another


class LimitError(yaml.MarkedYAMLError):
    """A YAML text goes past one of the bounds; `problem` says which, `problem_mark` where."""

    def __init__(self, problem: str, mark) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class Loader(yaml.SafeLoader):
    """A safe loader bounded as the module says, that keeps an impossible date (2021-13-01) or a
    number too long for Python as text, so the checks can name the field and value instead of
    the YAML reader failing without a line."""

    def __init__(self, stream, *, max_values: int = MAX_VALUES) -> None:
        super().__init__(stream)
        self.max_values = max_values
        self._values = 0                  # values composed so far, aliases expanded
        self._sizes: dict[int, int] = {}  # id(node) -> its values, aliases expanded
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = self.anchors.get(event.anchor)
            if node is not None:  # else PyYAML's own "undefined alias"
                if id(node) not in self._sizes:
                    raise LimitError(f"the alias *{event.anchor} is inside the value it names, a value without "
                                     "end; aliases may only repeat a value given before", event.start_mark)
                self._count(self._sizes[id(node)], event)
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise LimitError(f"mappings and lists are nested more than {MAX_DEPTH} deep (the limit)", event.start_mark)
        before = self._values
        self._count(1, event)
        self._depth += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        self._sizes[id(node)] = self._values - before
        return node

    def _count(self, values: int, event) -> None:
        self._values += values
        if self._values > self.max_values:
            raise LimitError(f"more than {self.max_values:,} values (the limit), counting each alias (*name) as the "
                             "values it repeats; not read further", event.start_mark)


class LineLoader(Loader):
    """Loader that also records each mapping's line under the key "__line__"."""


def _timestamp(loader, node):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


def _int(loader, node):
    try:
        return loader.construct_yaml_int(node)
    except ValueError:  # more digits than Python converts (4,300)
        return loader.construct_scalar(node)


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
Loader.add_constructor("tag:yaml.org,2002:int", _int)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def too_large(size: int, limit: int = MAX_BYTES, what: str = "YAML file") -> str | None:
    """The message for a file of `size` bytes over `limit`, or None when it is within it."""
    if size <= limit:
        return None
    return f"{size:,} bytes, over the {limit:,}-byte limit for a {what}; not read"


def text_size(text: str) -> int:
    """The bytes of `text` as UTF-8 (a lone surrogate counting as one)."""
    return len(text.encode("utf-8", "replace"))


def load(text: str, *, with_lines: bool = False, limit: int = MAX_BYTES, max_values: int = MAX_VALUES):
    """The content of YAML `text` (one document) read by the bounded loader; raises
    yaml.YAMLError (LimitError past a bound, the size included) for text that cannot be read."""
    message = too_large(text_size(text), limit)
    if message:
        raise LimitError(message, None)
    loader = (LineLoader if with_lines else Loader)(text, max_values=max_values)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def failure(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(line or None, what is wrong) for an error of the loader: "not valid YAML: ..." for a
    syntax error, the bound for a LimitError."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return (mark.line + 1 if mark else None), (problem if isinstance(exc, LimitError) else f"not valid YAML: {problem}")


def read_text(path: Path, error: type[Exception], *, what: str = "file", limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of `path`; `error` names the file when it is missing, over `limit` bytes
    (refused before it is read) or not UTF-8."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            size = path.stat().st_size
            raw = f.read(limit + 1)  # a file that grows, or is not a regular file, is bounded too
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    message = too_large(max(size, len(raw)), limit, what.split(" (")[0])
    if message:
        raise error(f"{path}: {message}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None


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


def read(path: Path, error: type[Exception], *, what: str = "file", with_lines: bool = False,
         limit: int = MAX_BYTES):
    """The parsed content of `path`, read by the bounded loader; `error` (a ValueError subclass)
    names the file and line on failure: a missing, oversized or non-UTF-8 file, invalid YAML, a
    bound passed, and every key given twice in one mapping (one line each)."""
    path = Path(path)
    text = read_text(path, error, what=what, limit=limit)
    loader = (LineLoader if with_lines else Loader)(text)
    try:
        node = loader.get_single_node()
        repeated = repeated_keys(loader, node)
        if repeated:
            raise error("\n".join(f"{path}:{line}: key {key!r} is given twice in one mapping (first on line {first}); "
                                  "give each key once" for line, key, first in repeated))
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        line, problem = failure(exc)
        raise error(f"{path}{f':{line}' if line else ''}: {problem}") from None
    finally:
        loader.dispose()
