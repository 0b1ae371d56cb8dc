"""A canonical record written as a record file: the YAML a person would write, in the
documented field order, following the record's schema (fields.py, or a need's, need_fields.py):
lists of single values and `flow` mappings on one line, text with line breaks as a block."""
from __future__ import annotations

import yaml

from etl.records import fields
from etl.records.fields import Field


class _Flow(dict):
    """A mapping written on one line: {stage: idea, date: 2021-03-01}."""


class _FlowList(list):
    """A list written on one line: [a, b]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):  # lists indented under their key
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


def _represent_text(dumper, text):
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Flow, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m, flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, s: d.represent_sequence("tag:yaml.org,2002:seq", s, flow_style=True))


def _shaped(field: Field, value):
    """`value` (canonical) in the shape the file shows it."""
    if field.kind == "list":
        return _FlowList(value)
    if field.kind in ("mapping", "years"):
        parts = {p.name: _shaped(p, value[p.name]) for p in field.parts if value.get(p.name) is not None}
        return _Flow(parts) if field.flow else parts
    if field.item is not None and field.item.kind == "mapping":  # a list of entries: stages, outputs, history
        return [_shaped(field.item, entry) for entry in value]
    if field.kind == "repositories":
        return [r["url"] if isinstance(r, dict) else r for r in value]
    if field.kind == "technologies":
        return _FlowList(t["name"] if isinstance(t, dict) else t for t in value)
    return value


def to_yaml(record: dict, record_fields: tuple[Field, ...] = fields.RECORD) -> str:
    """A canonical record as YAML text in the documented field order (what a person would write)."""
    doc = {f.name: _shaped(f, record[f.name]) for f in record_fields if record.get(f.name) is not None}
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=1_000_000)
