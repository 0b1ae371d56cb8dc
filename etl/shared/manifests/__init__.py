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

One module per ecosystem holds its parsers: python.py (requirements*.txt, pyproject.toml,
Pipfile, setup.cfg, setup.py), conda.py (environment.yml), r.py (DESCRIPTION, renv.lock),
npm.py (package.json); common.py the error and the row collector, decoding.py decode().

Errors: a file whose syntax cannot be read (TOML, JSON, YAML, setup.cfg, setup.py) raises
ManifestError naming the path and the line; so does a file over MAX_MANIFEST_BYTES, one nested
too deeply, and a YAML file past the bounds of etl.shared.yamlfile (an alias bomb). Inside a readable file, entries that cannot be
read (a requirement line pip would reject, a malformed PEP 508 string, a dependency table
of the wrong type) are skipped when anything else in the file could be read, and raise
ManifestError (naming the first bad entry and its line, when known) when nothing could.
"""
from __future__ import annotations

import configparser

from packaging.utils import canonicalize_name

from etl.shared.manifests import conda, npm, python, r
from etl.shared.manifests.common import Collector, ManifestError
from etl.shared.manifests.decoding import decode

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
    out = Collector(path)
    if text.strip():
        try:
            _PARSERS[kind](out, text)
        except RecursionError:  # JSON or TOML nested thousands deep; YAML's reader stops earlier
            raise ManifestError(path, "nested too deeply to read (brackets or tables inside one another)") from None
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


def provides(path: str, text: str) -> list[dict]:
    """The package a manifest says its repository publishes: [{"ecosystem", "package"}] with
    the name normalised as in dependencies, or [] (also for a file that cannot be read: parse()
    reports that). Read from pyproject.toml ([project] or [tool.poetry] name), setup.cfg
    ([metadata] name), setup.py (a literal name= in the setup call, never run), DESCRIPTION
    (Package:) and package.json (name). Another team depending on it is shared internal code."""
    kind = manifest_kind(path)
    if kind not in _PUBLISHED:
        return []
    ecosystem, read_name = _PUBLISHED[kind]
    try:
        name = read_name(text.removeprefix("\ufeff"))
    except (ValueError, SyntaxError, configparser.Error, AttributeError, RecursionError):
        return []
    if not isinstance(name, str) or not name.strip():
        return []
    name = name.strip()
    return [{"ecosystem": ecosystem, "package": canonicalize_name(name) if ecosystem == "pypi" else name}]


_PUBLISHED = {  # kind -> (ecosystem, reader of the name the manifest publishes)
    PYPROJECT: ("pypi", python.pyproject_name),
    SETUP_CFG: ("pypi", python.setup_cfg_name),
    SETUP_PY: ("pypi", python.setup_py_name),
    R_DESCRIPTION: ("cran", r.description_name),
    PACKAGE_JSON: ("npm", npm.package_json_name),
}

_PARSERS = {
    REQUIREMENTS: python.parse_requirements,
    PYPROJECT: python.parse_pyproject,
    SETUP_CFG: python.parse_setup_cfg,
    SETUP_PY: python.parse_setup_py,
    PIPFILE: python.parse_pipfile,
    CONDA_ENV: conda.parse_conda_env,
    R_DESCRIPTION: r.parse_description,
    RENV_LOCK: r.parse_renv_lock,
    PACKAGE_JSON: npm.parse_package_json,
}


__all__ = ["ECOSYSTEMS", "MAX_MANIFEST_BYTES", "ManifestError", "decode", "manifest_kind", "parse", "parse_bytes",
           "provides", "REQUIREMENTS", "PYPROJECT", "SETUP_CFG", "SETUP_PY", "PIPFILE", "CONDA_ENV", "R_DESCRIPTION",
           "RENV_LOCK", "PACKAGE_JSON"]
