"""Infer a repository's Python dependencies from the imports in its .py and .ipynb files.

Used for repositories with no dependency manifest. `source_kind(path)` says which files are
read; `imported_modules(path, text)` gives the modules one file imports; `distributions()`
turns module names into PyPI distribution names (dropping the standard library and the
repository's own modules, see `local_names()`); `infer(files, mapping=...)` does all of it for
one repository and gives rows for the `dependencies` table (the caller adds `full_name` and
sets `inferred` true) and problems for files that could not be read.

Python is read with `ast`. Code `ast` cannot read (Python 2, newer syntax, a notebook cell
with leftover IPython syntax) is read line by line: a line outside any string that starts an
`import`/`from ... import` statement is read with its continuation lines and must have the
full syntax of an import statement. Notebooks are JSON (nbformat 4, or 3 with worksheets);
only code cells are read, each separately, after IPython magics and shell escapes are blanked.

The import-name -> distribution mapping (`PIL` -> `pillow`) lives in data/import_names.yml,
read by the bounded YAML reader (etl.shared.yamlfile). Files over MAX_SOURCE_BYTES, notebooks
included, are not read, and a notebook nested too deeply for the JSON reader is a problem.
"""
from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name

from etl.shared import yamlfile

ROOT = Path(__file__).resolve().parents[2]

MAX_SOURCE_BYTES = 1_000_000  # a .py file or notebook (its JSON); callers skip bigger ones, infer() too, with a problem
MAX_FILES = 200  # callers read at most this many source files per repository

PYTHON = "python"
NOTEBOOK = "notebook"

_EXCLUDED_SEGMENTS = frozenset({
    "node_modules", ".venv", "venv", "site-packages", ".git", "dist", "build", ".ipynb_checkpoints",
})

# Modules that are not PyPI distributions: the running Python's standard library, modules
# removed from it in 3.12/3.13 (code written for older Pythons still imports them), and the
# Python 2 standard library modules that were renamed or removed in Python 3.
_REMOVED_STDLIB = frozenset({
    "__future__", "__main__", "asynchat", "asyncore", "distutils", "imp", "smtpd", "aifc", "audioop",
    "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap", "msilib", "nis", "nntplib",
    "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib",
})
_PYTHON2_STDLIB = frozenset({
    "__builtin__", "anydbm", "BaseHTTPServer", "CGIHTTPServer", "commands", "ConfigParser", "Cookie",
    "cookielib", "copy_reg", "cPickle", "cStringIO", "dbhash", "DocXMLRPCServer", "dumbdbm",
    "dummy_thread", "exceptions", "gdbm", "htmlentitydefs", "HTMLParser", "httplib", "markupbase",
    "md5", "mimetools", "MimeWriter", "mimify", "multifile", "new", "popen2", "posixfile", "Queue",
    "repr", "rfc822", "robotparser", "ScrolledText", "sets", "sha", "SimpleHTTPServer",
    "SimpleXMLRPCServer", "SocketServer", "StringIO", "thread", "Tix", "Tkinter", "tkFileDialog",
    "tkMessageBox", "tkSimpleDialog", "ttk", "urllib2", "urlparse", "UserDict", "UserList",
    "UserString", "whichdb", "xmlrpclib",
})
STDLIB = frozenset(sys.stdlib_module_names) | _REMOVED_STDLIB | _PYTHON2_STDLIB

# Top-level names that are only namespaces shared by many distributions (google.cloud.bigquery,
# azure.storage.blob): an import under one that no mapping key matches is left out rather than
# credited to the unrelated "google" or deprecated "azure" distribution.
NAMESPACE_ROOTS = frozenset({"google", "azure"})

# Used when data/import_names.yml does not exist: the commonest imports whose distribution
# has another name.
FALLBACK_MAPPING = {
    "attr": "attrs",
    "bs4": "beautifulsoup4",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
    "docx": "python-docx",
    "dotenv": "python-dotenv",
    "fitz": "pymupdf",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "google.cloud.storage": "google-cloud-storage",
    "google.protobuf": "protobuf",
    "googleapiclient": "google-api-python-client",
    "mpl_toolkits": "matplotlib",
    "pkg_resources": "setuptools",
    "PIL": "pillow",
    "pptx": "python-pptx",
    "skimage": "scikit-image",
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
}


class ImportsError(ValueError):
    """A source file could not be read at all (a notebook that is not valid JSON)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def source_kind(path: str) -> str | None:
    """"python" for a .py file, "notebook" for a .ipynb file, None for anything else.

    Files inside vendored or generated trees (node_modules, .venv, venv, site-packages, .git,
    dist, build, .ipynb_checkpoints) are not the repository's code and give None.
    """
    segments = [s for s in path.replace("\\", "/").split("/") if s not in ("", ".")]
    if not segments or any(s in _EXCLUDED_SEGMENTS for s in segments[:-1]):
        return None
    name = segments[-1]
    if name.endswith(".py") and len(name) > 3:
        return PYTHON
    if name.endswith(".ipynb") and len(name) > 6:
        return NOTEBOOK
    return None


# ---------------------------------------------------------------------------------------
# Modules imported by one file


def imported_modules(path: str, text: str) -> set[str]:
    """Absolute module names imported by file `path` with content `text`.

    `import a.b.c as x` gives "a.b.c". `from a.b import c` gives "a.b" and also "a.b.c", since
    `c` may be a submodule (`from google.cloud import bigquery`); distributions() keeps such a
    name only when it resolves more specifically than "a.b". `from a import *` gives "a".
    Relative imports are ignored. Imports anywhere count: in functions, in try/except, under
    `if`. A notebook that is not valid JSON raises ImportsError; a notebook whose kernel is
    not Python gives an empty set. Raises ValueError for a path source_kind() does not read.
    """
    kind = source_kind(path)
    if kind == PYTHON:
        return _python_modules(text.removeprefix("\ufeff"))
    if kind == NOTEBOOK:
        found: set[str] = set()
        for cell in _notebook_code_cells(path, text.removeprefix("\ufeff")):
            found |= _python_modules(cell)
        return found
    raise ValueError(f"{path}: not a Python source file or notebook")


def _python_modules(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # ValueError: NUL bytes (3.11)
        return _modules_by_line(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        _add_import_node(found, node)
    return found


def _add_import_node(found: set[str], node: ast.AST) -> None:
    if isinstance(node, ast.Import):
        found.update(alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
        found.add(node.module)
        found.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")


# Line-based reading, for code ast cannot parse.

_IDENT = r"[^\W\d]\w*"
_DOTTED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_ALIAS = rf"(?:\s+as\s+{_IDENT})?"
_IMPORT_STMT = re.compile(
    rf"import\s+(?P<names>{_DOTTED}{_ALIAS}(?:\s*,\s*{_DOTTED}{_ALIAS})*)\s*"
)
_FROM_STMT = re.compile(  # absolute imports only: relative ones do not match, and are ignored
    rf"from\s+(?P<module>{_DOTTED})\s+import(?:\s+|(?=[(*]))"
    rf"(?P<names>\*|{_IDENT}{_ALIAS}(?:\s*,\s*{_IDENT}{_ALIAS})*|"
    rf"\(\s*{_IDENT}{_ALIAS}(?:\s*,\s*{_IDENT}{_ALIAS})*\s*,?\s*\))\s*"
)
_AS = re.compile(r"\s+as\s+")
# An import at the start of a line, possibly after `try:`, `else:`, `finally:` or `except ...:`
# on the same line (Python 2 code often has `try: import cPickle as pickle`).
_STATEMENT_START = re.compile(
    r"[ \t]*(?:(?:try|else|finally)[ \t]*:[ \t]*|except\b[^:#\n]*:[ \t]*)?(?=(?:import|from)\b)"
)
_MAX_CONTINUATION_LINES = 100


def _modules_by_line(source: str) -> set[str]:
    lines = source.splitlines()
    starts = _lines_starting_in_code(lines)
    found: set[str] = set()
    number = 0
    while number < len(lines):
        match = _STATEMENT_START.match(lines[number]) if number in starts else None
        if match is None:
            number += 1
            continue
        statement, number = _statement_from(lines, number, match.end())
        _add_statement(found, statement)
    return found


def _statement_from(lines: list[str], number: int, column: int) -> tuple[str, int]:
    """The import statement starting at `lines[number][column:]`, without comments and with
    its continuation lines (open parentheses, trailing backslashes), and the next line's index."""
    parts = []
    depth = 0
    text = lines[number][column:]
    last = min(len(lines), number + _MAX_CONTINUATION_LINES)
    while True:
        code = text.split("#", 1)[0]  # an import statement holds no strings, so # starts a comment
        depth += code.count("(") - code.count(")")
        continued = code.rstrip().endswith("\\")
        parts.append(code.rstrip().removesuffix("\\"))
        number += 1
        if (depth <= 0 and not continued) or number >= last or ";" in code:
            return " ".join(parts).split(";", 1)[0].strip(), number
        text = lines[number]


def _add_statement(found: set[str], statement: str) -> None:
    try:
        tree = ast.parse(statement)
    except (SyntaxError, ValueError):
        tree = None
    if tree is not None:
        for node in tree.body:
            _add_import_node(found, node)
        return
    match = _IMPORT_STMT.fullmatch(statement)
    if match:
        for item in match.group("names").split(","):
            found.add(_squash(_AS.split(item)[0]))
        return
    match = _FROM_STMT.fullmatch(statement)
    if match:
        module = _squash(match.group("module"))
        found.add(module)
        names = match.group("names").strip("() \t")
        if names != "*":
            for item in names.split(","):
                name = _AS.split(item.strip())[0].strip()
                if name:
                    found.add(f"{module}.{name}")


def _squash(dotted: str) -> str:
    return re.sub(r"\s+", "", dotted)


def _lines_starting_in_code(lines: list[str]) -> set[int]:
    """Indexes of the lines that do not begin inside a triple-quoted string."""
    starts = set()
    quote: str | None = None  # the delimiter of the triple-quoted string we are in
    for number, line in enumerate(lines):
        if quote is None:
            starts.add(number)
        i = 0
        while i < len(line):
            if quote is not None:
                end = _find_closing(line, i, quote)
                if end < 0:
                    break
                quote, i = None, end
                continue
            char = line[i]
            if char == "#":
                break
            if char in "'\"":
                if line.startswith(char * 3, i):
                    quote, i = char * 3, i + 3
                    continue
                end = _find_closing(line, i + 1, char)
                i = end if end >= 0 else len(line)
                continue
            i += 1
    return starts


def _find_closing(line: str, start: int, delimiter: str) -> int:
    """Index just after `delimiter` closing a string in `line` from `start`, or -1."""
    i = start
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line.startswith(delimiter, i):
            return i + len(delimiter)
        i += 1
    return -1


# Notebooks

# Cell magics whose body is Python; other cell magics (%%bash, %%R, %%sql, %%html, ...) hold
# another language and their cells are skipped. `%%writefile x.py` writes a Python file.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3", "cython"})
_HELP_LINE = re.compile(r"\??[\w.]+\?{1,2}|\?{1,2}[\w.]+")


def _notebook_code_cells(path: str, text: str) -> list[str]:
    """The Python source of each code cell, magics and shell escapes blanked."""
    if not text.strip():
        return []  # an empty file: a notebook created and never saved
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportsError(path, f"not a notebook: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ImportsError(path, "not a notebook: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ImportsError(path, "not a notebook: expected a JSON object at the top level")
    if not _python_kernel(data.get("metadata")):
        return []
    if isinstance(data.get("cells"), list):
        cells = data["cells"]
    elif isinstance(data.get("worksheets"), list):  # nbformat 3
        cells = [c for w in data["worksheets"] if isinstance(w, dict) and isinstance(w.get("cells"), list)
                 for c in w["cells"]]
    else:
        raise ImportsError(path, "not a notebook: no cells or worksheets list")
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if str(cell.get("language") or "python").lower() not in ("python", "python3", "python2"):
            continue  # nbformat 3 names each code cell's language
        source = cell.get("source", cell.get("input"))  # nbformat 4: source; 3: input
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str):
            python = _without_magics(source)
            if python is not None:
                sources.append(python)
    return sources


def _python_kernel(metadata) -> bool:
    """False when the notebook says its language is not Python (an R or Julia notebook)."""
    if not isinstance(metadata, dict):
        return True
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str):
            return section[field].strip().lower() in ("python", "python3", "python2", "ipython", "")
    return True


def _without_magics(source: str) -> str | None:
    """Cell source with IPython-only lines replaced by `pass`; None for a cell in another language."""
    lines = source.splitlines()
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        words = first[2:].split()
        name = words[0] if words else ""
        if name == "writefile":
            if not (len(words) > 1 and words[-1].endswith(".py")):
                return None
        elif name not in _PYTHON_CELL_MAGICS:
            return None
        lines = lines[1:]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!", "?")) or _HELP_LINE.fullmatch(stripped.rstrip()):
            # Keep the line, as `pass`, so an indented magic does not leave an empty block.
            kept.append(line[: len(line) - len(stripped)] + "pass")
        else:
            kept.append(line)
    return "\n".join(kept)


# ---------------------------------------------------------------------------------------
# Module names -> distributions


def distributions(modules: set[str], *, local: set[str], mapping: dict[str, str | None]) -> set[str]:
    """PyPI distribution names (canonical) for imported module names.

    Drops the standard library (this Python's, older Pythons', and Python 2's), `__future__`,
    and modules whose top-level name is in `local`. Maps the rest with `mapping` (import name
    -> distribution; keys may be dotted and the longest matching prefix wins, so
    "google.cloud.bigquery" beats "google"; a key mapped to None or "" drops the module), else
    takes the top-level name, except under NAMESPACE_ROOTS (google, azure), where an unmapped
    module is dropped. A module that another module in the set extends with a more
    specific mapping match is dropped: {"google.cloud", "google.cloud.bigquery"} gives only
    google-cloud-bigquery.
    """
    resolved: dict[str, tuple[int, str | None]] = {}
    for module in modules:
        top = module.split(".", 1)[0]
        if not top or top in STDLIB or top in local:
            continue
        resolved[module] = _resolve(module, mapping)
    found = set()
    for module, (specificity, distribution) in resolved.items():
        if any(other.startswith(module + ".") and other_specificity > specificity
               for other, (other_specificity, _) in resolved.items()):
            continue
        if distribution:
            found.add(canonicalize_name(distribution))
    return found


def _resolve(module: str, mapping: dict[str, str | None]) -> tuple[int, str | None]:
    """(parts in the matching mapping key, 0 when none matched; distribution or None)."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        key = ".".join(parts[:size])
        if key in mapping:
            value = mapping[key]
            return size, value.strip() if isinstance(value, str) and value.strip() else None
    return 0, None if parts[0] in NAMESPACE_ROOTS else parts[0]


def local_names(paths: list[str]) -> set[str]:
    """Top-level module names the repository itself provides, from its file paths.

    For each .py file (outside vendored trees): its stem and every folder on its path, since
    any of them can be on sys.path when the code runs ("src/mypkg/x.py" -> src, mypkg, x;
    "analysis/utils.py" -> analysis, utils). Names that are not identifiers are left out.
    """
    names = set()
    for path in paths:
        if source_kind(path) != PYTHON:
            continue
        segments = [s for s in path.replace("\\", "/").split("/") if s not in ("", ".")]
        segments[-1] = segments[-1].removesuffix(".py")
        names.update(s for s in segments if s.isidentifier())
    return names


def load_mapping(path: Path = ROOT / "data" / "import_names.yml") -> dict[str, str | None]:
    """The import-name -> distribution mapping under `imports:` in `path`.

    A missing file gives FALLBACK_MAPPING. A file that is not valid YAML, or whose `imports`
    is not a mapping of names to distribution names (or null, to ignore an import), raises
    ImportsError naming the file.
    """
    path = Path(path)
    if not path.exists():
        return dict(FALLBACK_MAPPING)
    try:
        data = yamlfile.load(yamlfile.read_text(path, ValueError, what="import-name mapping"))
    except ValueError as exc:  # too large, or not UTF-8
        raise ImportsError(str(path), str(exc).removeprefix(f"{path}: ")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        kind = "past a bound of the YAML reader" if isinstance(exc, yamlfile.LimitError) else "not valid YAML"
        raise ImportsError(str(path), f"{kind}{where}: {getattr(exc, 'problem', None) or exc}") from None
    imports = data.get("imports") if isinstance(data, dict) else None
    if not isinstance(imports, dict):
        raise ImportsError(str(path), "expected a mapping under `imports:`")
    mapping: dict[str, str | None] = {}
    for key, value in imports.items():
        if not isinstance(key, str) or not all(p.isidentifier() for p in key.split(".")):
            raise ImportsError(str(path), f"imports: {key!r} is not a module name")
        if value is not None and not isinstance(value, str):
            raise ImportsError(str(path), f"imports: {key}: expected a distribution name, found {value!r}")
        mapping[key] = value.strip() if isinstance(value, str) and value.strip() else None
    return mapping


# ---------------------------------------------------------------------------------------
# One repository


def infer(files: dict[str, str], *, mapping: dict[str, str | None],
          also_local: list[str] = ()) -> tuple[list[dict], list[dict]]:
    """Dependencies of a repository inferred from its source files {path: text}.

    Returns (rows, problems). Rows are {"manifest_path": first file (in path order) importing
    the distribution, "ecosystem": "pypi", "package", "version_spec": None}, one per
    distribution, sorted by package. Local modules are found from these paths and `also_local`
    (the repository's other paths, when only some files were read) with local_names().
    Paths source_kind() does not read are ignored. Problems are {"kind", "detail": path,
    "message"}: "source_unparsed" for a notebook that is not valid JSON, "source_too_large"
    for text over MAX_SOURCE_BYTES.
    """
    paths = sorted(p for p in files if source_kind(p) is not None)
    local = local_names(paths) | local_names(list(also_local))
    first: dict[str, str] = {}
    problems: list[dict] = []
    for path in paths:
        text = files[path]
        if len(text) > MAX_SOURCE_BYTES or len(text.encode("utf-8", "replace")) > MAX_SOURCE_BYTES:
            problems.append({"kind": "source_too_large", "detail": path,
                             "message": f"{path}: larger than {MAX_SOURCE_BYTES} bytes; not read"})
            continue
        try:
            modules = imported_modules(path, text)
        except ImportsError as exc:
            problems.append({"kind": "source_unparsed", "detail": path, "message": str(exc)})
            continue
        for distribution in distributions(modules, local=local, mapping=mapping):
            first.setdefault(distribution, path)
    rows = [
        {"manifest_path": first[name], "ecosystem": "pypi", "package": name, "version_spec": None}
        for name in sorted(first)
    ]
    return rows, problems
