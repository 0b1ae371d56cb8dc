"""Read dependency manifests found in repositories into rows for the `dependencies` table.

`manifest_kind(path)` says whether a repository path is a manifest this module reads (and
which kind); `parse(path, text)` turns its text into plain dicts:

    {"manifest_path": path, "ecosystem": "pypi" | "cran" | "conda" | "npm",
     "package": normalised name, "version_spec": constraint as written, or None when unpinned}

one per package (de-duplicated within the file), sorted by package. `parse_bytes(path, data)`
does the same for the file's bytes, decoded by `decode(data, path)` (byte-order marks,
UTF-16 without one, UTF-8). The caller adds
`full_name`; `inferred` stays false. Each format is read with a well-kept parser
(pip-requirements-parser, tomllib, configparser, ast, PyYAML, email.parser, json) and
PEP 508 strings with `packaging`; setup.py is read as a syntax tree and never executed.

Errors: a file whose syntax cannot be read (TOML, JSON, YAML, setup.cfg, setup.py) raises
ManifestError naming the path and the line. Inside a readable file, entries that cannot be
read (a requirement line pip would reject, a malformed PEP 508 string, a dependency table
of the wrong type) are skipped when anything else in the file could be read, and raise
ManifestError (naming the first bad entry and its line, when known) when nothing could.
"""
from __future__ import annotations

import ast
import codecs
import configparser
import email.parser
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from pip_requirements_parser import RequirementsFile

MAX_MANIFEST_BYTES = 1_000_000  # callers skip bigger files; parse() refuses them too

ECOSYSTEMS = ("pypi", "cran", "conda", "npm")

# Kinds returned by manifest_kind(): the canonical file name of each format.
REQUIREMENTS = "requirements.txt"
PYPROJECT = "pyproject.toml"
SETUP_CFG = "setup.cfg"
SETUP_PY = "setup.py"
PIPFILE = "Pipfile"
CONDA_ENV = "environment.yml"
R_DESCRIPTION = "DESCRIPTION"
RENV_LOCK = "renv.lock"
PACKAGE_JSON = "package.json"

_EXACT_NAMES = {
    "pyproject.toml": PYPROJECT,
    "setup.cfg": SETUP_CFG,
    "setup.py": SETUP_PY,
    "Pipfile": PIPFILE,
    "environment.yml": CONDA_ENV,
    "environment.yaml": CONDA_ENV,
    "DESCRIPTION": R_DESCRIPTION,
    "renv.lock": RENV_LOCK,
    "package.json": PACKAGE_JSON,
}

# Vendored or generated trees: a manifest inside one describes someone else's package.
_EXCLUDED_SEGMENTS = frozenset({"node_modules", ".venv", "venv", "site-packages", ".git", "dist", "build"})
_EXCLUDED_PAIRS = frozenset({("renv", "library"), ("packrat", "lib")})


class ManifestError(ValueError):
    """A manifest could not be read. The message names the path, the line when known, and the problem."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        super().__init__(path, reason, line)
        self.path = path
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


def manifest_kind(path: str) -> str | None:
    """Which parser handles repository `path` (a kind constant such as "requirements.txt"), or None.

    Names are matched case-sensitively, as GitHub stores them, at the root or in any folder.
    Requirements files are requirements*.txt, *-requirements.txt, *_requirements.txt, and any
    .txt file directly inside a folder named requirements. Paths inside vendored or generated
    trees (node_modules, .venv, venv, site-packages, .git, dist, build, renv/library,
    packrat/lib) are not manifests of the repository.
    """
    segments = [s for s in path.replace("\\", "/").split("/") if s not in ("", ".")]
    if not segments:
        return None
    folders = segments[:-1]
    if any(s in _EXCLUDED_SEGMENTS for s in folders):
        return None
    if any(pair in _EXCLUDED_PAIRS for pair in zip(folders, folders[1:])):
        return None
    name = segments[-1]
    if name in _EXACT_NAMES:
        return _EXACT_NAMES[name]
    if name.endswith(".txt") and (
        name.startswith("requirements")
        or name.endswith(("-requirements.txt", "_requirements.txt"))
        or (folders and folders[-1] == "requirements")
    ):
        return REQUIREMENTS
    return None


def parse(path: str, text: str) -> list[dict]:
    """Dependencies declared in manifest `path` with content `text`, as rows for `dependencies`.

    Returns [{"manifest_path", "ecosystem", "package", "version_spec"}], one per package
    (the first entry wins, unless it is unpinned and a later one is pinned), sorted by package.
    Empty files give []. Raises ManifestError when the file cannot be read; see the module
    docstring for which problems are errors and which entries are skipped.

    Requirements files: -r/-c includes, index options and hashes are not dependencies and are
    skipped, as are local paths and URLs without a package name; `-e git+...#egg=name` gives
    `name` with no spec. Partially invalid files return what parsed; only a file in which no
    line could be read raises (naming the first invalid line).
    """
    kind = manifest_kind(path)
    if kind is None:
        raise ManifestError(path, "not a dependency manifest this parser reads")
    if len(text) > MAX_MANIFEST_BYTES or len(text.encode("utf-8", "replace")) > MAX_MANIFEST_BYTES:
        raise ManifestError(path, f"larger than {MAX_MANIFEST_BYTES} bytes")
    text = text.removeprefix("\ufeff")
    out = _Collector(path)
    if text.strip():
        _PARSERS[kind](out, text)
    return out.rows()


def parse_bytes(path: str, data: bytes) -> list[dict]:
    """parse() for the raw bytes of manifest `path`, decoded with decode().

    Raises ManifestError for a path that is not a manifest, data over MAX_MANIFEST_BYTES,
    bytes that are not text (see decode()), and everything parse() raises for.
    """
    if manifest_kind(path) is None:
        raise ManifestError(path, "not a dependency manifest this parser reads")
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(path, f"larger than {MAX_MANIFEST_BYTES} bytes")
    return parse(path, decode(data, path))


_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def decode(data: bytes, path: str) -> str:
    """The text of a manifest or source file from its bytes, without any byte-order mark.

    In order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides the encoding;
    bytes with NULs at every other position in the pattern of UTF-16 text without a mark
    are read as UTF-16 LE or BE; other bytes are read as UTF-8; failing that, a PEP 263
    coding declaration in the first two lines (`# -*- coding: latin-1 -*-`, found in old
    Python files) is honoured. Anything else, including UTF-8 holding NUL bytes, raises
    ManifestError(path, "not text in UTF-8 or UTF-16").
    """
    def fail() -> ManifestError:
        return ManifestError(path, "not text in UTF-8 or UTF-16")

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise fail() from None
    if b"\0" in data:
        encoding = _utf16_by_nuls(data)
        if encoding is None:
            raise fail()
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise fail() from None
        if "\0" in text:
            raise fail()
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for line in data.splitlines()[:2]:
        match = _CODING_COOKIE.match(line)
        if match:
            try:
                return data.decode(codecs.lookup(match.group(1).decode("ascii")).name)
            except (LookupError, UnicodeDecodeError):
                break
    raise fail()


def _utf16_by_nuls(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the NUL bytes fall as in UTF-16 text without a mark.

    Text in UTF-16 that is mostly ASCII (a requirements file, Python code) has a NUL as the
    high byte of nearly every character: at odd offsets in little-endian, even in big-endian.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    pairs = len(data) // 2
    nul_even, nul_odd = data[0::2].count(0), data[1::2].count(0)
    if nul_odd >= pairs / 4 and nul_even * 20 <= nul_odd:
        return "utf-16-le"
    if nul_even >= pairs / 4 and nul_odd * 20 <= nul_even:
        return "utf-16-be"
    return None


# ---------------------------------------------------------------------------------------
# Collecting rows


class _Collector:
    """Rows of one manifest, with the entries that could not be read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.records: dict[str, dict] = {}
        self.read_something = False
        self.problems: list[tuple[str, int | None]] = []

    def add(self, ecosystem: str, package: str, spec: str | None) -> None:
        self.read_something = True
        spec = spec.strip() if isinstance(spec, str) else None
        row = {"manifest_path": self.path, "ecosystem": ecosystem, "package": package,
               "version_spec": spec or None}
        known = self.records.get(package)
        if known is None or (known["version_spec"] is None and row["version_spec"] is not None):
            self.records[package] = row

    def skip(self) -> None:
        """An entry was read fine but is not a dependency (an include, an option, python itself)."""
        self.read_something = True

    def bad(self, reason: str, line: int | None = None) -> None:
        self.problems.append((reason, line))

    def fail(self, reason: str, line: int | None = None) -> ManifestError:
        return ManifestError(self.path, reason, line)

    def rows(self) -> list[dict]:
        if self.problems and not self.read_something:
            reason, line = self.problems[0]
            raise ManifestError(self.path, reason, line)
        return [self.records[name] for name in sorted(self.records)]


def _line_of(text: str, needle: str) -> int | None:
    """1-based number of the first line containing `needle`, to locate an entry in the source."""
    needle = needle.strip()
    if not needle:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _unpinned(spec) -> str | None:
    """A version constraint as written, or None for '*', '' and non-strings."""
    if not isinstance(spec, str) or spec.strip() in ("", "*"):
        return None
    return spec.strip()


def _add_pep508(out: _Collector, requirement: str, text: str, where: str, line: int | None = None) -> None:
    """Record one PEP 508 string (e.g. 'pandas[excel]>=2,<3; python_version>"3.9"')."""
    if not isinstance(requirement, str):
        out.bad(f"{where}: expected a requirement string, found {requirement!r}", line)
        return
    try:
        req = Requirement(requirement)
    except InvalidRequirement as exc:
        out.bad(f"{where}: invalid requirement {requirement!r}: {_first_line(str(exc))}",
                line or _line_of(text, requirement))
        return
    spec = None if req.url else (str(req.specifier) or None)
    out.add("pypi", canonicalize_name(req.name), spec)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


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
        (i.line_number, i.line or "", re.sub(r"^Invalid requirement:[\s:]*", "", _first_line(i.error_message)))
        for i in parsed.invalid_lines
    ]
    return found, read_something, invalid


def _requirements_into(out: _Collector, lines_text: str, locate_in: str | None = None) -> None:
    try:
        found, read_something, invalid = _read_requirement_lines(lines_text)
    except Exception as exc:  # the parser is pip's code: any crash means this input is unreadable
        out.bad(f"cannot read requirements: {_first_line(str(exc)) or type(exc).__name__}")
        return
    if read_something:
        out.skip()
    for package, spec in found:
        out.add("pypi", package, spec)
    for number, line, error in invalid:
        if locate_in is None:
            out.bad(f"invalid requirement line {line.strip()!r}: {error}", number)
        else:
            out.bad(f"invalid pip requirement {line.strip()!r}: {error}", _line_of(locate_in, line))


def _parse_requirements(out: _Collector, text: str) -> None:
    _requirements_into(out, text)


# ---------------------------------------------------------------------------------------
# pyproject.toml and Pipfile


def _load_toml(out: _Collector, text: str) -> dict:
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


def _table(out: _Collector, data: dict, dotted: str):
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


def _pep508_list(out: _Collector, value, text: str, where: str) -> None:
    if not isinstance(value, list):
        out.bad(f"{where} should be a list of requirement strings", _line_of(text, where.split(".")[-1]))
        return
    for item in value:
        _add_pep508(out, item, text, where)


def _parse_pyproject(out: _Collector, text: str) -> None:
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
            out.bad(f"[dependency-groups].{group} should be a list", _line_of(text, group))
            continue
        for item in value:
            if isinstance(item, dict) and "include-group" in item:
                out.skip()
                continue  # PEP 735 include: its packages are listed under their own group
            _add_pep508(out, item, text, f"[dependency-groups].{group}")
    if _table(out, data, "tool.poetry") is not None:
        _poetry_table(out, _table(out, data, "tool.poetry.dependencies"), text, "tool.poetry.dependencies")
        _poetry_table(out, _table(out, data, "tool.poetry.dev-dependencies"), text, "tool.poetry.dev-dependencies")
        for name, group in (_table(out, data, "tool.poetry.group") or {}).items():
            where = f"tool.poetry.group.{name}.dependencies"
            if not isinstance(group, dict):
                out.bad(f"[tool.poetry.group.{name}] should be a table", _line_of(text, name))
            elif "dependencies" in group:
                _poetry_table(out, group["dependencies"], text, where)


def _poetry_spec(value) -> str | None:
    """Poetry constraint: "^1.2", {version = "^1.2", extras = [...]}, or a list of such tables."""
    if isinstance(value, str):
        return _unpinned(value)
    if isinstance(value, dict):
        return _unpinned(value.get("version"))
    if isinstance(value, list):  # multiple constraints (per Python version): keep the first
        for item in value:
            spec = _poetry_spec(item)
            if spec:
                return spec
    return None


def _poetry_table(out: _Collector, table, text: str, where: str) -> None:
    if table is None:
        return
    if not isinstance(table, dict):
        out.bad(f"[{where}] should be a table", _line_of(text, where))
        return
    for name, value in table.items():
        if name.lower() == "python":
            out.skip()
            continue
        if not isinstance(value, (str, dict, list)):
            out.bad(f"Poetry dependency {name!r} has an unreadable constraint {value!r}", _line_of(text, name))
            continue
        out.add("pypi", canonicalize_name(name), _poetry_spec(value))


def _parse_pipfile(out: _Collector, text: str) -> None:
    data = _load_toml(out, text)
    for section in ("packages", "dev-packages"):
        for name, value in (_table(out, data, section) or {}).items():
            if isinstance(value, str):
                spec = _unpinned(value)
            elif isinstance(value, dict):
                spec = _unpinned(value.get("version"))
            else:
                out.bad(f"[{section}] {name!r} has an unreadable constraint {value!r}", _line_of(text, name))
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


def _parse_setup_cfg(out: _Collector, text: str) -> None:
    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read_string(text, source=out.path)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        if line is None and getattr(exc, "errors", None):
            line = exc.errors[0][0]
        raise out.fail(f"invalid setup.cfg: {_first_line(exc.message)}", line) from None
    if config.has_option("options", "install_requires"):
        for item in _setup_cfg_requirements(config.get("options", "install_requires")):
            _add_pep508(out, item, text, "[options] install_requires")
    if config.has_section("options.extras_require"):
        for extra, value in config.items("options.extras_require"):
            for item in _setup_cfg_requirements(value):
                _add_pep508(out, item, text, f"[options.extras_require] {extra}")


# ---------------------------------------------------------------------------------------
# setup.py (read as a syntax tree, never run)


def _is_setup_call(node: ast.AST) -> bool:
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


def _add_setup_strings(out: _Collector, constants: Iterable[ast.Constant], text: str, where: str) -> None:
    for constant in constants:
        for offset, item in enumerate(constant.value.splitlines() or [constant.value]):
            item = item.partition(" #")[0].strip()
            if item and not item.startswith("#"):
                _add_pep508(out, item, text, where, line=constant.lineno + offset)


def _parse_setup_py(out: _Collector, text: str) -> None:
    try:
        tree = ast.parse(text, filename=out.path)
    except SyntaxError as exc:
        raise out.fail(f"invalid Python syntax: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. null bytes
        raise out.fail(f"invalid Python source: {exc}") from None
    # A setup.py whose requirements are not literal gives [] rather than an error.
    names = _module_literals(tree)
    for call in (node for node in ast.walk(tree) if _is_setup_call(node)):
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
# environment.yml (conda)

_CONDA_NAME = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]*)(.*)", re.DOTALL)
_CONDA_BRACKET_VERSION = re.compile(r"""version\s*=\s*['"]?([^'",\]]+)""")
_CONDA_SKIPPED = {"python", "pip", "r-base"}  # the interpreters themselves, not packages
_CONDA_NOT_CRAN = {"r-essentials", "r-recommended"}  # conda bundles with an r- prefix, not CRAN packages


def _conda_spec(rest: str) -> str | None:
    """Version part of a conda match spec after the name: '=1.2=py311_0' -> '=1.2', '>=1.2' -> '>=1.2'."""
    rest = rest.strip()
    if not rest:
        return None
    if rest.startswith("["):  # numpy[version='>=1.2']
        match = _CONDA_BRACKET_VERSION.search(rest)
        return match.group(1).strip() if match else None
    if rest[0] not in "<>=!~" and " " in rest:  # 'numpy 1.26.4 py311_0': version then build string
        return rest.split()[0]
    for operator in ("==", "="):
        if rest.startswith(operator):
            version = rest[len(operator):].split("=")[0].strip()  # drop a build string
            return operator + version if version else None
    return rest.split()[0] if rest[0] not in "<>=!~" else rest


def _parse_conda_env(out: _Collector, text: str) -> None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or _first_line(str(exc))
        raise out.fail(f"invalid YAML: {problem}", mark.line + 1 if mark is not None else None) from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise out.fail("a conda environment file should be a mapping with a dependencies list")
    dependencies = data.get("dependencies")
    if dependencies is None:
        return
    if not isinstance(dependencies, list):
        out.bad("dependencies should be a list", _line_of(text, "dependencies"))
        return
    for item in dependencies:
        if isinstance(item, dict) and "pip" in item:
            pip_lines = item["pip"] or []
            if not isinstance(pip_lines, list):
                out.bad("the pip entry should hold a list of requirement lines", _line_of(text, "pip:"))
                continue
            _requirements_into(out, "\n".join(str(line) for line in pip_lines), locate_in=text)
        elif isinstance(item, str):
            _add_conda(out, item, text)
        else:
            out.bad(f"unreadable dependency entry {item!r}")


def _add_conda(out: _Collector, entry: str, text: str) -> None:
    spec_text = entry.split("::")[-1].strip()  # drop a channel: conda-forge::numpy
    match = _CONDA_NAME.fullmatch(spec_text)
    if not match:
        out.bad(f"invalid conda package spec {entry!r}", _line_of(text, entry))
        return
    name = match.group(1).lower()
    spec = _conda_spec(match.group(2))
    if name in _CONDA_SKIPPED:
        out.skip()
    elif name.startswith("r-") and len(name) > 2 and name not in _CONDA_NOT_CRAN:
        out.add("cran", name[2:], spec)
    else:
        out.add("conda", name, spec)


# ---------------------------------------------------------------------------------------
# R: DESCRIPTION and renv.lock

_R_DEPENDENCY_FIELDS = ("Depends", "Imports", "LinkingTo", "Suggests")
_R_ITEM = re.compile(r"([A-Za-z][A-Za-z0-9.]*)\s*(?:\(\s*([^()]*?)\s*\))?")


def _parse_description(out: _Collector, text: str) -> None:
    # DESCRIPTION is a Debian control (DCF) file: "Field: value" with indented continuation
    # lines, which is the RFC 822 header syntax the standard e-mail parser reads.
    message = email.parser.Parser().parsestr(text, headersonly=True)
    rest = message.get_payload()
    if isinstance(rest, str) and rest.strip():
        stop = len(text.splitlines()) - len(rest.splitlines()) + 1
        if message.defects:
            out.bad(f"not a 'Field: value' line: {rest.strip().splitlines()[0]!r}", stop)
        else:
            out.bad("unexpected content after a blank line", stop)
    for field in _R_DEPENDENCY_FIELDS:
        for value in message.get_all(field) or []:
            value = " ".join(str(value).split())
            for item in value.split(","):
                item = item.strip()
                if not item:
                    continue
                match = _R_ITEM.fullmatch(item)
                if not match:
                    out.bad(f"{field}: unreadable package {item!r}", _line_of(text, item))
                    continue
                name, spec = match.group(1), match.group(2)
                if name == "R":
                    out.skip()  # the R version required, not a package
                else:
                    out.add("cran", name, spec or None)


def _load_json_object(out: _Collector, text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise out.fail(f"invalid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict):
        raise out.fail("expected a JSON object at the top level", 1)
    return data


def _parse_renv_lock(out: _Collector, text: str) -> None:
    data = _load_json_object(out, text)
    packages = data.get("Packages") or {}
    if not isinstance(packages, dict):
        out.bad("Packages should be an object", _line_of(text, '"Packages"'))
        return
    for key, entry in packages.items():
        if not isinstance(entry, dict):
            out.bad(f"Packages.{key} should be an object", _line_of(text, f'"{key}"'))
            continue
        name = entry.get("Package") or key
        version = entry.get("Version")
        spec = f"=={version}" if isinstance(version, str) and version.strip() else None
        out.add("cran", str(name), spec)


def _parse_package_json(out: _Collector, text: str) -> None:
    data = _load_json_object(out, text)
    for field in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        table = data.get(field)
        if table is None:
            continue
        if not isinstance(table, dict):
            out.bad(f"{field} should be an object", _line_of(text, f'"{field}"'))
            continue
        for name, spec in table.items():
            if not isinstance(spec, str) or not name.strip():
                out.bad(f"{field}: unreadable entry {name!r}: {spec!r}", _line_of(text, f'"{name}"'))
                continue
            out.add("npm", name.strip(), _unpinned(spec))


# ---------------------------------------------------------------------------------------
# What a repository publishes


def provides(path: str, text: str) -> list[dict]:
    """The package a manifest says its repository publishes: [{"ecosystem", "package"}] with
    the name normalised as in dependencies, or [] (also for a file that cannot be read: parse()
    reports that). Read from pyproject.toml ([project] or [tool.poetry] name), setup.cfg
    ([metadata] name), setup.py (a literal name= in the setup call, never run), DESCRIPTION
    (Package:) and package.json (name). Another team depending on it is shared internal code."""
    kind = manifest_kind(path)
    text = text.removeprefix("\ufeff")
    name, ecosystem = None, "pypi"
    try:
        if kind == PYPROJECT:
            data = tomllib.loads(text)
            name = (data.get("project") or {}).get("name") or ((data.get("tool") or {}).get("poetry") or {}).get("name")
        elif kind == SETUP_CFG:
            config = configparser.ConfigParser(interpolation=None)
            config.read_string(text)
            name = config.get("metadata", "name", fallback=None)
        elif kind == SETUP_PY:
            for node in ast.walk(ast.parse(text)):
                if _is_setup_call(node):
                    for keyword in node.keywords:
                        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                            name = keyword.value.value
        elif kind == R_DESCRIPTION:
            name, ecosystem = email.parser.Parser().parsestr(text, headersonly=True).get("Package"), "cran"
        elif kind == PACKAGE_JSON:
            data = json.loads(text)
            name, ecosystem = (data.get("name") if isinstance(data, dict) else None), "npm"
    except (ValueError, SyntaxError, configparser.Error, AttributeError):
        return []
    if not isinstance(name, str) or not name.strip():
        return []
    name = name.strip()
    return [{"ecosystem": ecosystem, "package": canonicalize_name(name) if ecosystem == "pypi" else name}]


_PARSERS = {
    REQUIREMENTS: _parse_requirements,
    PYPROJECT: _parse_pyproject,
    SETUP_CFG: _parse_setup_cfg,
    SETUP_PY: _parse_setup_py,
    PIPFILE: _parse_pipfile,
    CONDA_ENV: _parse_conda_env,
    R_DESCRIPTION: _parse_description,
    RENV_LOCK: _parse_renv_lock,
    PACKAGE_JSON: _parse_package_json,
}
