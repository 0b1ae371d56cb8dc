"""The YAML reader of the teams, taxonomy, radar and sources files: a key given twice in one
mapping is an error naming file, line and key, not a value silently replaced."""
from __future__ import annotations

import pytest

from etl.shared import yamlfile


class Wrong(ValueError):
    pass


def test_every_repeated_key_is_named_with_its_line_and_the_first_one(tmp_path):
    path = tmp_path / "f.yml"
    path.write_text("a: 1\n"
                    "b:\n"
                    "  c: 2\n"
                    "  c: 3\n"                  # in a nested mapping
                    "  d: [{x: 1, x: 2}]\n"     # in a flow mapping inside a list
                    "a: 4\n", encoding="utf-8")
    with pytest.raises(Wrong) as caught:
        yamlfile.read(path, Wrong, with_lines=True)
    assert str(caught.value).splitlines() == [
        f"{path}:4: key 'c' is given twice in one mapping (first on line 3); give each key once",
        f"{path}:5: key 'x' is given twice in one mapping (first on line 5); give each key once",
        f"{path}:6: key 'a' is given twice in one mapping (first on line 1); give each key once",
    ]


def test_keys_that_read_as_the_same_value_are_the_same_key(tmp_path):
    path = tmp_path / "f.yml"
    path.write_text("1: one\n1.0: also one\n", encoding="utf-8")
    with pytest.raises(Wrong, match=r"f\.yml:2: key '1\.0' is given twice in one mapping \(first on line 1\)"):
        yamlfile.read(path, Wrong)


def test_a_merged_mapping_may_be_overridden_and_an_alias_repeats_nothing(tmp_path):
    path = tmp_path / "f.yml"
    path.write_text("base: &base {ring: adopt, quadrant: tools}\n"
                    "same: *base\n"
                    "other:\n  <<: *base\n  ring: trial\n", encoding="utf-8")
    got = yamlfile.read(path, Wrong)
    assert got["other"] == {"ring": "trial", "quadrant": "tools"} and got["same"] == got["base"]
