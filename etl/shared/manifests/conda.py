"""Conda environment files (environment.yml): conda packages, R packages (r-*) and pip lines."""
from __future__ import annotations

import re

import yaml

from etl.shared import yamlfile
from etl.shared.manifests.common import Collector, first_line, line_of
from etl.shared.manifests.python import requirements_into

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


def parse_conda_env(out: Collector, text: str) -> None:
    """environment.yml: conda packages (r-* as CRAN packages) and the lines of its pip entry,
    read by the bounded YAML loader (etl.shared.yamlfile: no alias bombs, no deep nesting)."""
    try:
        data = yamlfile.load(text)
    except yamlfile.LimitError as exc:
        raise out.fail(exc.problem, exc.problem_mark.line + 1 if exc.problem_mark is not None else None) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or first_line(str(exc))
        raise out.fail(f"invalid YAML: {problem}", mark.line + 1 if mark is not None else None) from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise out.fail("a conda environment file should be a mapping with a dependencies list")
    dependencies = data.get("dependencies")
    if dependencies is None:
        return
    if not isinstance(dependencies, list):
        out.bad("dependencies should be a list", line_of(text, "dependencies"))
        return
    for item in dependencies:
        if isinstance(item, dict) and "pip" in item:
            pip_lines = item["pip"] or []
            if not isinstance(pip_lines, list):
                out.bad("the pip entry should hold a list of requirement lines", line_of(text, "pip:"))
                continue
            requirements_into(out, "\n".join(str(line) for line in pip_lines), locate_in=text)
        elif isinstance(item, str):
            _add_conda(out, item, text)
        else:
            out.bad(f"unreadable dependency entry {item!r}")


def _add_conda(out: Collector, entry: str, text: str) -> None:
    spec_text = entry.split("::")[-1].strip()  # drop a channel: conda-forge::numpy
    match = _CONDA_NAME.fullmatch(spec_text)
    if not match:
        out.bad(f"invalid conda package spec {entry!r}", line_of(text, entry))
        return
    name = match.group(1).lower()
    spec = _conda_spec(match.group(2))
    if name in _CONDA_SKIPPED:
        out.skip()
    elif name.startswith("r-") and len(name) > 2 and name not in _CONDA_NOT_CRAN:
        out.add("cran", name[2:], spec)
    else:
        out.add("conda", name, spec)
