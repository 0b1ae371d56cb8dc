"""What a repository's default branch says through its files, whichever source read them.

Both sources read the same files and turn them into the same rows:
- which files to read: manifest_paths() (dependency manifests) and, for a repository with no
  Python manifest, source_paths() (Python files and notebooks whose imports are inferred);
- what a source hands over: Files (plain data: paths, bytes per language, file texts, and the
  problems met reading them);
- the rows: rows() gives Contents, the `repo_languages`, `dependencies` and `repo_packages`
  rows of one repository with the problems found parsing its files.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from etl.shared import imports, manifests

PYTHON_MANIFESTS = {manifests.REQUIREMENTS, manifests.PYPROJECT, manifests.SETUP_CFG, manifests.SETUP_PY,
                    manifests.PIPFILE, manifests.CONDA_ENV}


@dataclass
class Files:
    """The default branch's files as a source read them: plain data, no rows yet."""

    tree_sha: str | None
    paths: list[str]                       # every file of the tree, as listed
    languages: dict[str, int]              # bytes per language
    manifest_paths: list[str]              # manifests read, in path order
    manifests: dict[str, str | bytes]      # manifest path -> text (or bytes to decode); unreadable ones absent
    manifest_problems: list[dict]          # manifests too large or unreadable
    sources: dict[str, str | bytes] | None = None  # Python sources read, when no Python manifest exists
    source_problems: list[dict] = field(default_factory=list)  # sources left out or unreadable


@dataclass
class Contents:
    """What the default branch's files say: languages, dependencies, and problems reading them."""

    tree_sha: str | None
    languages: list[dict]
    dependencies: list[dict]
    problems: list[dict]
    packages: list[dict]  # what the repository publishes (repo_packages rows)


def manifest_paths(tree: list[dict]) -> tuple[list[str], list[dict]]:
    """Manifest files in a git tree, and problems for ones too large to read."""
    wanted, problems = [], []
    for entry in tree:
        if entry.get("type") != "blob" or manifests.manifest_kind(entry["path"]) is None:
            continue
        if (entry.get("size") or 0) > manifests.MAX_MANIFEST_BYTES:
            problems.append({"kind": "manifest_too_large", "detail": entry["path"],
                             "message": f"{entry['path']} is {entry['size']:,} bytes, over the 1 MB limit; not read"})
        else:
            wanted.append(entry["path"])
    return sorted(wanted), problems


def source_paths(tree: list[dict]) -> tuple[list[str], list[dict]]:
    """Python files and notebooks to infer imports from: at most imports.MAX_FILES, each under
    imports.MAX_SOURCE_BYTES, in path order; problems for what is left out."""
    wanted, problems = [], []
    for entry in tree:
        if entry.get("type") != "blob" or imports.source_kind(entry["path"]) is None:
            continue
        if (entry.get("size") or 0) > imports.MAX_SOURCE_BYTES:
            problems.append({"kind": "source_too_large", "detail": entry["path"],
                             "message": f"{entry['path']} is {entry['size']:,} bytes, over the 1 MB limit; "
                                        "its imports were not read"})
        else:
            wanted.append(entry["path"])
    wanted.sort()
    if len(wanted) > imports.MAX_FILES:
        problems.append({"kind": "sources_capped", "detail": wanted[imports.MAX_FILES],
                         "message": f"{len(wanted):,} Python files and notebooks; imports were read from the first "
                                    f"{imports.MAX_FILES} in path order"})
        wanted = wanted[:imports.MAX_FILES]
    return wanted, problems


def has_python_manifest(paths) -> bool:
    """True when any of `paths` is a Python manifest: then imports are not inferred."""
    return any(manifests.manifest_kind(p) in PYTHON_MANIFESTS for p in paths)


def rows(full_name: str, files: Files) -> Contents:
    """The rows of repository `full_name` from its files: languages, dependencies (declared in
    manifests, else inferred from imports), the packages it publishes, and every problem."""
    deps, packages, unparsed = _manifest_rows(full_name, files.manifest_paths, files.manifests)
    problems = files.manifest_problems + unparsed + files.source_problems
    if files.sources is not None:
        inferred, more = _inferred_rows(full_name, files.sources, files.paths)
        deps += inferred
        problems += more
    return Contents(files.tree_sha, language_rows(full_name, files.languages), unique_dependencies(deps), problems,
                    packages)


def language_rows(full_name: str, languages: dict[str, int]) -> list[dict]:
    """`repo_languages` rows from bytes per language."""
    return [{"full_name": full_name, "language": lang, "bytes": n} for lang, n in sorted(languages.items())]


def _manifest_rows(full_name: str, paths: list[str], texts: dict[str, str | bytes]):
    """(dependencies, published packages, problems) of the manifests; the shallowest manifest
    naming a package it publishes wins (paths are sorted)."""
    deps, problems, published = [], [], {}
    for path in sorted(paths, key=lambda p: (p.count("/"), p)):
        if path not in texts:
            continue
        content = texts[path]
        try:
            parsed = manifests.parse(path, content) if isinstance(content, str) else manifests.parse_bytes(path, content)
        except manifests.ManifestError as exc:
            problems.append({"kind": "manifest_unparsed", "detail": path, "message": str(exc)})
            continue
        deps.extend({"full_name": full_name, **row, "inferred": False} for row in parsed)
        text = content if isinstance(content, str) else manifests.decode(content, path)
        for row in manifests.provides(path, text):
            published.setdefault((row["ecosystem"], row["package"]), {"full_name": full_name, **row,
                                                                     "manifest_path": path})
    return deps, list(published.values()), problems


def _inferred_rows(full_name: str, texts: dict[str, str | bytes], all_paths: list[str]):
    """(dependencies, problems) inferred from the imports of Python sources."""
    files, problems = {}, []
    for path, content in texts.items():
        try:
            files[path] = content if isinstance(content, str) else manifests.decode(content, path)
        except manifests.ManifestError as exc:
            problems.append({"kind": "source_unparsed", "detail": path, "message": str(exc)})
    found, more = imports.infer(files, mapping=import_names(), also_local=list(all_paths))
    return [{"full_name": full_name, **row, "inferred": True} for row in found], problems + more


@functools.cache
def import_names() -> dict[str, str | None]:
    """The module -> distribution mapping, loaded once per process."""
    return imports.load_mapping()


def unique_dependencies(deps: list[dict]) -> list[dict]:
    """One row per (manifest_path, package), the first met."""
    seen = {}
    for row in deps:
        seen.setdefault((row["manifest_path"], row["package"]), row)
    return list(seen.values())
