"""The documentation stays true: the data dictionary matches the schema, the README the commands."""
from __future__ import annotations

import re
from pathlib import Path

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


def test_ci_runs_the_ci_script_on_every_push_and_pull_request():
    import yaml

    workflow = yaml.safe_load((config.ROOT / ".github" / "workflows" / "ci.yml").read_text())
    assert {"push", "pull_request"} <= set(workflow[True])  # PyYAML reads the key `on` as True
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest" and job["timeout-minutes"] >= 60
    python = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == "3.11"
    assert [step["run"] for step in job["steps"] if "run" in step][-1] == ".ci/run"


def test_the_ci_script_fails_when_no_test_is_collected(tmp_path):
    """pytest exits 5 when it runs no test; .ci/run passes that on rather than succeeding. Run
    through bin/dev with a virtual environment of this interpreter's packages, so nothing is
    installed."""
    import os
    import subprocess
    import sys
    import sysconfig

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    for requirements in config.ROOT.glob("requirements*.txt"):  # bin/dev's mark that they are installed
        (venv / f".installed-{requirements.name}").touch()
    done = subprocess.run([str(config.ROOT / ".ci" / "run")], cwd=config.ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "VENV": str(venv), "PYTEST_ADDOPTS": "-k no_test_has_this_name"})
    assert done.returncode == 5, done.stdout[-2000:] + done.stderr[-2000:]
    assert "0 selected" in done.stdout
