"""The layout keeps its promises: which packages may import which, no import cycles, no
oversized modules. Read from the source with `ast`, so a function-level import counts too."""
from __future__ import annotations

import ast
from pathlib import Path

from etl.config import ROOT

PACKAGES = ("etl", "analyses", "publish", "dashboard", "serve")
# What each layer may not import (besides itself): Streamlit and the dashboard stay on top.
FORBIDDEN = {
    "etl": ("dashboard", "pages", "streamlit"),
    "analyses": ("dashboard", "pages", "streamlit", "etl", "publish", "plotly"),
    "publish": ("dashboard", "pages", "streamlit", "etl"),
    # bin/serve only starts processes: `streamlit run app.py`, HAProxy.
    "serve": ("dashboard", "pages", "streamlit", "etl", "analyses", "publish"),
}
MAX_LINES = 700


def product_modules() -> dict[str, Path]:
    """Every product module by dotted name (app.py and pages/ as scripts)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        found[".".join(path.relative_to(ROOT).with_suffix("").parts)] = path
    return found


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Dotted names this module imports, anywhere in it (top level or inside functions),
    resolved to modules of the project where they are ones, else left as written."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                found.add(whole if whole in modules else base)
    return found


def graph() -> dict[str, set[str]]:
    modules = product_modules()
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


def test_lower_layers_never_import_the_dashboard_or_streamlit():
    wrong = []
    for name, imported in graph().items():
        layer = name.split(".")[0]
        for target in imported:
            if target.split(".")[0] in FORBIDDEN.get(layer, ()):
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_project_modules_have_no_import_cycle():
    modules = product_modules()
    edges = {name: {i for i in imported if i in modules and i != name} for name, imported in graph().items()}
    # A package's __init__ that imports its own submodules is not a cycle with them.
    edges = {name: {t for t in targets if not t.startswith(name + ".")} for name, targets in edges.items()}
    state, cycles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_the_checks_see_a_cycle_and_a_forbidden_import(tmp_path):
    """The two checks above would fail on code that breaks the rules (so they can fail)."""
    assert "dashboard.data" in imports_of(ROOT / "pages" / "overview.py", "pages.overview", product_modules())
    fake = tmp_path / "m.py"
    fake.write_text("def f():\n    import streamlit as st\n    from dashboard import data\n")
    assert {"streamlit", "dashboard.data"} <= imports_of(fake, "etl.m", {"dashboard.data": fake})


def test_no_product_module_is_over_700_lines():
    long = {name: n for name, path in product_modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
