"""No page shows program words to people: on the demo warehouse, no text element, table header or
table cell, and no label of a chart, reads `None`, `nan`, `NaT`, a vocabulary id such as
`proof_of_concept`, `data_type:`, a snake_case name, "team(s)"-style plurals or an internal
record name. An empty cell is shown empty or as a dash (the table's placeholder), never as "None".
"""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from analyses import vocabulary
from etl import config

ENTRY = config.ROOT / "tests" / "app_entry.py"
# Ids of the vocabulary that people must never read as such (they have a label).
IDS = sorted({t.id for terms in (vocabulary.current().stages, vocabulary.current().output_kinds,
                                 vocabulary.current().tag_categories) for t in terms if "_" in t.id})
FORBIDDEN = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\b(nan|NaN)\b"), "nan"),
    (re.compile(r"\bNaT\b"), "NaT"),
    (re.compile(r"\b[a-z]{2,}(?:_[a-z]{2,})+\b"), "a snake_case name"),
    (re.compile(r"\b\w+\(s\)"), "a '(s)' plural"),
    (re.compile(r"\bdemo record\b"), "an internal record name"),
    *((re.compile(rf"\b{re.escape(i)}\b"), f"the vocabulary id {i}") for i in IDS),
]
# Proto fields that are not text people read: ids, keys, data and settings.
NOT_TEXT = {"id", "formId", "key", "spec", "data", "arrowData", "styler", "columns", "config", "theme", "url",
            "deferredFileId", "icon", "type", "mimeType", "fragmentId", "widthConfig", "heightConfig",
            "scriptHash", "pageScriptHash", "selectionMode", "useContainerWidth", "placeholder", "queryParamKey",
            "columnOrder"}


def as_read(text: str) -> str:
    """Markdown or HTML as people read it: no style sheets or scripts, no tags, no escaping backslashes."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~:])", r"\1", re.sub(r"<[^>]+>", " ", text))


def findings(text: str, where: str) -> list[str]:
    return [f"{where}: {what} in {text[:160]!r}" for pattern, what in FORBIDDEN if pattern.search(text)]


def _strings(value, field: str = ""):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in NOT_TEXT:
                yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, field)
    elif isinstance(value, str):
        yield field, value


def _chart_text(spec: str):
    """What a Plotly chart writes on screen: titles, axis titles, tick labels, legend names, texts
    on the marks and annotations (not hover templates, nor data)."""
    fig = json.loads(spec)
    layout = fig.get("layout", {})
    found = []

    def title(node):
        t = node.get("title") if isinstance(node, dict) else None
        return t.get("text") if isinstance(t, dict) else t

    found.append(title(layout))
    for name, node in layout.items():
        if isinstance(node, dict) and (name.startswith(("xaxis", "yaxis", "coloraxis")) or name == "legend"):
            found.append(title(node))
            found += [str(t) for t in node.get("ticktext", []) if t is not None]
    found += [a.get("text") for a in layout.get("annotations", [])]
    legend = layout.get("showlegend", True) is not False
    for trace in fig.get("data", []):
        in_hover = (trace.get("hoverinfo") not in ("skip", "none")
                    and "<extra></extra>" not in (trace.get("hovertemplate") or ""))
        if (legend and trace.get("showlegend", True) is not False) or in_hover:
            found.append(trace.get("name"))
        for key in ("text", "labels"):
            if isinstance(trace.get(key), list):
                found += [str(t) for t in trace[key] if t is not None]
            elif isinstance(trace.get(key), str):
                found.append(trace[key])
        for axis in ("x", "y"):  # category names on an axis
            if isinstance(trace.get(axis), list):
                found += [v for v in trace[axis] if isinstance(v, str)]
        if isinstance(trace.get("node"), dict):
            found += [str(t) for t in trace["node"].get("label", [])]
    return [t for t in found if isinstance(t, str) and t]


def _table_problems(element, where: str) -> list[str]:
    problems = []
    frame: pd.DataFrame = element.value
    columns = json.loads(element.proto.columns or "{}")
    placeholder = element.proto.placeholder if element.proto.HasField("placeholder") else None
    hidden = {name for name, c in columns.items() if isinstance(c, dict) and c.get("hidden")}
    shown = [c for c in (list(element.proto.column_order) or [str(c) for c in frame.columns]) if c not in hidden]
    for column in shown:
        config_ = columns.get(column)
        label = config_.get("label") if isinstance(config_, dict) else None
        problems += findings(str(label or column), f"{where} header")
        if column not in frame.columns:
            continue
        for value in frame[column]:
            values = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]
            for v in values:
                if v is None or (not isinstance(v, str) and pd.isna(v)):
                    if placeholder is None:
                        problems.append(f"{where} column {column!r}: an empty cell shown as 'None' (no placeholder)")
                elif isinstance(v, str):
                    problems += findings(v, f"{where} column {column!r}")
    return problems


def page_problems(at: AppTest) -> list[str]:
    """Every piece of text the page shows that reads like a program's word."""
    problems = []

    def walk(node, path):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            label = getattr(getattr(node, "proto", None), "expandable", None)
            if label is not None and label.label:
                problems.extend(findings(label.label, f"{path} expander"))
            tab = getattr(getattr(node, "proto", None), "tab", None)
            if tab is not None and tab.label:
                problems.extend(findings(tab.label, f"{path} tab"))
            for key, child in children.items():
                walk(child, f"{path}/{key}")
            return
        kind = getattr(node, "type", type(node).__name__)
        proto = getattr(node, "proto", None)
        if proto is None:
            return
        if kind == "arrow_data_frame" or type(node).__name__ == "Dataframe":
            problems.extend(_table_problems(node, f"{path} table"))
        elif kind == "plotly_chart":
            for text in _chart_text(proto.spec):
                problems.extend(findings(text, f"{path} chart"))
        elif kind == "exception":
            problems.append(f"{path}: exception {node.value}")
        else:
            for field, text in _strings(MessageToDict(proto, preserving_proto_field_name=False)):
                problems.extend(findings(as_read(text), f"{path} {kind}.{field}"))

    walk(at._tree, "page")
    return problems


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(db, monkeypatch, page: str, **query_params) -> AppTest:
    monkeypatch.setenv("DSA_DB", str(db))
    at = AppTest.from_file(str(ENTRY), default_timeout=90)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(config.ROOT / "pages" / f"{page}.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


VIEWS = [
    ("overview", {}), ("projects", {}), ("pathway", {}), ("tech_stack", {}), ("radar", {}), ("collaboration", {}),
    ("repositories", {}), ("reports", {}), ("data", {}),
    ("pathway", {"period": "all-time"}), ("repositories", {"period": "all-time"}),
    # A record with repositories, outputs, partners and governance; one with no repository.
    ("projects", {"project": "federated-learning-pilot"}),
    ("projects", {"project": "health-inequalities-explorer"}),
]


@pytest.mark.parametrize("page, params", [
    pytest.param(page, params, id="-".join([page, *(f"{k}={v}" for k, v in params.items())]))
    for page, params in VIEWS])
def test_no_page_shows_program_words(demo_db_master, monkeypatch, page, params):
    at = run_page(demo_db_master, monkeypatch, page, **params)
    problems = page_problems(at)
    assert problems == [], "\n".join(problems)


def test_the_check_finds_each_kind_of_program_word():
    """The scanner above is not blind: each word it looks for, in text, is found."""
    for text in ["Licence: None", "nan", "NaT", "proof_of_concept", "data_type: imaging", "used by 2 team(s)",
                 "Record: demo record x", "case_study"]:
        assert findings(text, "x"), text
    assert findings(as_read("**Tags:** data\\_type: imaging"), "x")
    for text in ["Proof of concept", "2 teams", "Nonetheless", "nancy", "data type: imaging", "p_0123456789abcdef",
                 "DSA_MAX_AGE_HOURS", "nhsengland/ds-toolkit"]:
        assert findings(text, "x") == [], text
