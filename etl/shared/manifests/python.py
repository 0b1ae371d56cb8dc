"""Python manifests: requirements*.txt, pyproject.toml, Pipfile, setup.cfg and setup.py.

Read with pip-requirements-parser, tomllib, configparser and ast (setup.py is read as a
syntax tree, never run); PEP 508 strings with `packaging`. Each parse_* function adds the
file's packages to a Collector.
"""
from __future__ import annotations

import ast
import configparser
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable

from packaging.utils import canonicalize_name
from pip_requirements_parser import RequirementsFile

from etl.shared.manifests.common import Collector, add_pep508, first_line, line_of, unpinned

# ---------------------------------------------------------------------------------------
# requirements*.txt


def _read_requirement_lines(text: str) -> tuple[list[tuple[str, str | None]], bool, list[tuple[int, str, str]]]:
    """Parse pip requirement lines: ([(name, spec)], whether any line was read, [(line, text, error)])."""
    # RequirementsFile.from_string() in pip-requirements-parser 32.0.1 fails (it uses an
    # unimported Path), so write the text to a temporary file and use from_file(). The UTF-8
    # byte-order mark makes the parser decode as UTF-8 whatever the locale.
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        filename = os.path.join(tmp, "requirements.txt")
        with open(filename, "wb") as fh:
            fh.write(b"\xef\xbb\xbf" + text.encode("utf-8", "surrogateescape"))
        parsed = RequirementsFile.from_file(filename, include_nested=False)
    found: list[tuple[str, str | None]] = []
    read_something = bool(parsed.options)
    for req in parsed.requirements:
        read_something = True
        if not req.name:
            continue  # a local path or URL with no package name: nothing to record
        # URL, VCS and path requirements are pinned by their link, not by a specifier.
        spec = None if req.link else (str(req.specifier) if req.specifier else None)
        found.append((canonicalize_name(req.name), spec or None))
    invalid = [
        (i.line_number, i.line or "", re.sub(r"^Invalid requirement:[\s:]*", "", first_line(i.error_message)))
        for i in parsed.invalid_lines
    ]
    return found, read_something, invalid


def requirements_into(out: Collector, lines_text: str, locate_in: str | None = None) -> None:
    """Add pip requirement lines; invalid lines are located in `locate_in` (the enclosing file) when given."""
    try:
        found, read_something, invalid = _read_requirement_lines(lines_text)
    except Exception as exc:  # the parser is pip's code: any crash means this input is unreadable
        out.bad(f"cannot read requirements: {first_line(str(exc)) or type(exc).__name__}")
        return
    if read_something:
        out.skip()
    for package, spec in found:
        out.add("pypi", package, spec)
    for number, line, error in invalid:
        if locate_in is None:
            out.bad(f"invalid requirement line {line.strip()!r}: {error}", number)
        else:
            out.bad(f"invalid pip requirement {line.strip()!r}: {error}", line_of(locate_in, line))


def parse_requirements(out: Collector, text: str) -> None:
    """requirements*.txt."""
    requirements_into(out, text)


# ---------------------------------------------------------------------------------------
# pyproject.toml and Pipfile


def _load_toml(out: Collector, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            line = int(match.group(1))
        elif "end of document" in message:
            line = max(len(text.splitlines()), 1)
        else:
            line = None
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise out.fail(f"invalid TOML: {reason}", line) from None


def _table(out: Collector, data: dict, dotted: str):
    """The table at dotted key `dotted` (e.g. "tool.poetry"), or None; wrong types are noted as bad."""
    node = data
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    if not isinstance(node, dict):
        out.bad(f"[{dotted}] should be a table")
        return None
    return node


def _pep508_list(out: Collector, value, text: str, where: str) -> None:
    if not isinstance(value, list):
        out.bad(f"{where} should be a list of requirement strings", line_of(text, where.split(".")[-1]))
        return
    for item in value:
        add_pep508(out, item, text, where)


def parse_pyproject(out: Collector, text: str) -> None:
    """pyproject.toml: [project] and its optional dependencies, [dependency-groups], Poetry's tables."""
    data = _load_toml(out, text)
    project = _table(out, data, "project")
    if project is not None:
        if "dependencies" in project:
            _pep508_list(out, project["dependencies"], text, "[project].dependencies")
        optional = _table(out, data, "project.optional-dependencies")
        for extra, value in (optional or {}).items():
            _pep508_list(out, value, text, f"[project.optional-dependencies].{extra}")
    groups = _table(out, data, "dependency-groups")
    for group, value in (groups or {}).items():
        if not isinstance(value, list):
            out.bad(f"[dependency-groups].{group} should be a list", line_of(text, group))
            continue
        for item in value:
            if isinstance(item, dict) and "include-group" in item:
                out.skip()
                continue  # PEP 735 include: its packages are listed under their own group
            add_pep508(out, item, text, f"[dependency-groups].{group}")
    if _table(out, data, "tool.poetry") is not None:
        _poetry_table(out, _table(out, data, "tool.poetry.dependencies"), text, "tool.poetry.dependencies")
        _poetry_table(out, _table(out, data, "tool.poetry.dev-dependencies"), text, "tool.poetry.dev-dependencies")
        for name, group in (_table(out, data, "tool.poetry.group") or {}).items():
            where = f"tool.poetry.group.{name}.dependencies"
            if not isinstance(group, dict):
                out.bad(f"[tool.poetry.group.{name}] should be a table", line_of(text, name))
            elif "dependencies" in group:
                _poetry_table(out, group["dependencies"], text, where)


def _poetry_spec(value) -> str | None:
    """Poetry constraint: "^1.2", {version = "^1.2", extras = [...]}, or a list of such tables."""
    if isinstance(value, str):
        return unpinned(value)
    if isinstance(value, dict):
        return unpinned(value.get("version"))
    if isinstance(value, list):  # multiple constraints (per Python version): keep the first
        for item in value:
            spec = _poetry_spec(item)
            if spec:
                return spec
    return None


def _poetry_table(out: Collector, table, text: str, where: str) -> None:
    if table is None:
        return
    if not isinstance(table, dict):
        out.bad(f"[{where}] should be a table", line_of(text, where))
        return
    for name, value in table.items():
        if name.lower() == "python":
            out.skip()
            continue
        if not isinstance(value, (str, dict, list)):
            out.bad(f"Poetry dependency {name!r} has an unreadable constraint {value!r}", line_of(text, name))
            continue
        out.add("pypi", canonicalize_name(name), _poetry_spec(value))


def parse_pipfile(out: Collector, text: str) -> None:
    """Pipfile: [packages] and [dev-packages]."""
    data = _load_toml(out, text)
    for section in ("packages", "dev-packages"):
        for name, value in (_table(out, data, section) or {}).items():
            if isinstance(value, str):
                spec = unpinned(value)
            elif isinstance(value, dict):
                spec = unpinned(value.get("version"))
            else:
                out.bad(f"[{section}] {name!r} has an unreadable constraint {value!r}", line_of(text, name))
                continue
            out.add("pypi", canonicalize_name(name), spec)


# ---------------------------------------------------------------------------------------
# setup.cfg


def _setup_cfg_requirements(value: str) -> list[str]:
    """Split a setup.cfg requirement list as setuptools does: one per line, or ';' on one line."""
    if value.strip().startswith("file:"):
        return []  # read from another file, which is parsed in its own right
    items = value.splitlines() if "\n" in value else value.split(";")
    found = []
    for item in items:
        item = item.partition(" #")[0].strip()
        if item and not item.startswith("#"):
            found.append(item)
    return found


def parse_setup_cfg(out: Collector, text: str) -> None:
    """setup.cfg: [options] install_requires and [options.extras_require]."""
    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read_string(text, source=out.path)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        if line is None and getattr(exc, "errors", None):
            line = exc.errors[0][0]
        raise out.fail(f"invalid setup.cfg: {first_line(exc.message)}", line) from None
    if config.has_option("options", "install_requires"):
        for item in _setup_cfg_requirements(config.get("options", "install_requires")):
            add_pep508(out, item, text, "[options] install_requires")
    if config.has_section("options.extras_require"):
        for extra, value in config.items("options.extras_require"):
            for item in _setup_cfg_requirements(value):
                add_pep508(out, item, text, f"[options.extras_require] {extra}")


# ---------------------------------------------------------------------------------------
# setup.py (read as a syntax tree, never run)


def is_setup_call(node: ast.AST) -> bool:
    """True for a call of setup() (bare, or from setuptools or distutils.core)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "setup"
    if isinstance(func, ast.Attribute) and func.attr == "setup":
        return ast.unparse(func.value) in ("setuptools", "distutils.core")
    return False


def _module_literals(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level names bound exactly once, by a plain assignment, to their value node."""
    bindings: dict[str, list[ast.AST | None]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    bindings.setdefault(target.id, []).append(stmt.value)
                else:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            bindings.setdefault(name.id, []).append(None)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            bindings.setdefault(stmt.target.id, []).append(stmt.value)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            bindings.setdefault(stmt.target.id, []).append(None)
    return {name: values[0] for name, values in bindings.items() if len(values) == 1 and values[0] is not None}


def _string_list(node: ast.AST, names: dict[str, ast.AST], depth: int = 0) -> list[ast.Constant] | None:
    """String constants of a literal list/tuple (or a name bound to one, or a + of them); None if not literal."""
    if depth > 10:
        return None
    if isinstance(node, ast.Name) and node.id in names:
        return _string_list(names[node.id], names, depth + 1)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]  # setuptools accepts one string of newline-separated requirements
    if isinstance(node, (ast.List, ast.Tuple)):
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return list(node.elts)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _string_list(node.left, names, depth + 1)
        right = _string_list(node.right, names, depth + 1)
        return None if left is None or right is None else left + right
    return None


def _add_setup_strings(out: Collector, constants: Iterable[ast.Constant], text: str, where: str) -> None:
    for constant in constants:
        for offset, item in enumerate(constant.value.splitlines() or [constant.value]):
            item = item.partition(" #")[0].strip()
            if item and not item.startswith("#"):
                add_pep508(out, item, text, where, line=constant.lineno + offset)


def parse_setup_py(out: Collector, text: str) -> None:
    """setup.py: literal install_requires and extras_require of its setup() call, read as a syntax tree."""
    try:
        tree = ast.parse(text, filename=out.path)
    except SyntaxError as exc:
        raise out.fail(f"invalid Python syntax: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. null bytes
        raise out.fail(f"invalid Python source: {exc}") from None
    # A setup.py whose requirements are not literal gives [] rather than an error.
    names = _module_literals(tree)
    for call in (node for node in ast.walk(tree) if is_setup_call(node)):
        for keyword in call.keywords:
            if keyword.arg == "install_requires":
                constants = _string_list(keyword.value, names)
                _add_setup_strings(out, constants or [], text, "setup(install_requires=...)")
            elif keyword.arg == "extras_require":
                mapping = keyword.value
                if isinstance(mapping, ast.Name) and mapping.id in names:
                    mapping = names[mapping.id]
                if not isinstance(mapping, ast.Dict):
                    continue
                for key, value in zip(mapping.keys, mapping.values):
                    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                        continue
                    constants = _string_list(value, names)
                    _add_setup_strings(out, constants or [], text, f"setup(extras_require={key.value!r})")


# ---------------------------------------------------------------------------------------
# The name a Python manifest publishes (see provides())


def pyproject_name(text: str):
    """The name a pyproject.toml publishes ([project], else [tool.poetry])."""
    data = tomllib.loads(text)
    return (data.get("project") or {}).get("name") or ((data.get("tool") or {}).get("poetry") or {}).get("name")


def setup_cfg_name(text: str):
    """The name a setup.cfg publishes ([metadata] name)."""
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(text)
    return config.get("metadata", "name", fallback=None)


def setup_py_name(text: str):
    """The literal name= of a setup.py's setup() call (the last one, if several)."""
    name = None
    for node in ast.walk(ast.parse(text)):
        if is_setup_call(node):
            for keyword in node.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    name = keyword.value.value
    return name
