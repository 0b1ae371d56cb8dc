"""The documentation stays true: the data dictionary matches the schema, the README the commands."""
from __future__ import annotations

import re

from etl import config
from etl.warehouse import dictionary


def test_every_table_and_column_is_documented_in_the_schema():
    assert dictionary.undocumented() == []


def test_data_dictionary_is_current_with_the_schema():
    assert dictionary.is_current(config.DATA_DIR / "README.md"), "run: python -m etl dictionary"


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(commands) == 2, commands
    ci = (config.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bin/dev test" in commands[1] and "bin/dev test" in ci


def test_readme_documents_every_cli_command_and_setting():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    from etl.__main__ import parser

    commands = parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m etl {name}" in readme, f"README does not document `python -m etl {name}`"
    for setting in ["DSA_DB", "--db"]:
        assert setting in readme


def test_the_refresh_workflow_runs_the_documented_commands():
    import yaml

    workflow = yaml.safe_load((config.ROOT / ".github" / "workflows" / "refresh.yml").read_text())
    assert workflow[True]["schedule"][0]["cron"]  # PyYAML reads the key `on` as True
    steps = workflow["jobs"]["refresh"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "python -m etl refresh" in commands and "python -m etl status" in commands
    assert any(step.get("uses", "").startswith("actions/upload-artifact") and step["with"]["name"] == "warehouse"
               for step in steps)
    assert "secrets.DSA_SALT" in str(workflow["jobs"]["refresh"]["env"])


def test_readme_defines_every_headline_measure_as_the_catalogue_does():
    from analyses import metrics

    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    for m in metrics.CATALOGUE:
        assert f"| {m.name} | {m.definition} | `{m.query}` |" in readme, f"README's measures lack {m.name!r}"
