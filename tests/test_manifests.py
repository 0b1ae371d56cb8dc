"""Dependency manifests: which paths are read, what each format gives, and how bad files fail."""
import pickle

import pytest

from etl.shared import manifests
from etl.shared.manifests import ManifestError, manifest_kind, parse


def rows(path, ecosystem, *packages):
    """Expected rows: packages as (name, spec) pairs, in the order parse() returns them."""
    return [
        {"manifest_path": path, "ecosystem": ecosystem, "package": name, "version_spec": spec}
        for name, spec in packages
    ]


def row(path, ecosystem, name, spec):
    return {"manifest_path": path, "ecosystem": ecosystem, "package": name, "version_spec": spec}


# ---------------------------------------------------------------------------------------
# Which paths are manifests


@pytest.mark.parametrize("path, kind", [
    ("requirements.txt", "requirements.txt"),
    ("requirements-dev.txt", "requirements.txt"),
    ("requirements_test.txt", "requirements.txt"),
    ("docs/requirements.txt", "requirements.txt"),
    ("requirements/base.txt", "requirements.txt"),
    ("src/service/requirements/prod.txt", "requirements.txt"),
    ("test-requirements.txt", "requirements.txt"),
    ("./requirements.txt", "requirements.txt"),
    ("pyproject.toml", "pyproject.toml"),
    ("packages/model/pyproject.toml", "pyproject.toml"),
    ("setup.cfg", "setup.cfg"),
    ("setup.py", "setup.py"),
    ("Pipfile", "Pipfile"),
    ("environment.yml", "environment.yml"),
    ("binder/environment.yaml", "environment.yml"),
    ("DESCRIPTION", "DESCRIPTION"),
    ("r/nhsAnalysis/DESCRIPTION", "DESCRIPTION"),
    ("renv.lock", "renv.lock"),
    ("package.json", "package.json"),
    ("frontend/package.json", "package.json"),
])
def test_manifest_kind_recognises_manifests_at_the_root_and_in_folders(path, kind):
    assert manifest_kind(path) == kind


@pytest.mark.parametrize("path", [
    "README.md",
    "requirements.in",
    "requirements.txt.bak",
    "docs/notes.txt",
    "user_stories.txt",
    "Pipfile.lock",
    "package-lock.json",
    "environment.yml.example",
    "conda/env.yml",
    "DESCRIPTION.md",
    "description",            # case matters: R only reads DESCRIPTION
    "Requirements.txt",
    "setup.py.orig",
    "",
])
def test_manifest_kind_ignores_other_files(path):
    assert manifest_kind(path) is None


@pytest.mark.parametrize("path", [
    "frontend/node_modules/react/package.json",
    "node_modules/left-pad/package.json",
    ".venv/lib/python3.11/site-packages/numpy/setup.py",
    "venv/requirements.txt",
    "env/lib/python3.11/site-packages/pkg/pyproject.toml",
    "renv/library/R-4.3/x86_64-pc-linux-gnu/dplyr/DESCRIPTION",
    "analysis/renv/library/R-4.3/ggplot2/DESCRIPTION",
    "packrat/lib/x86_64-pc-linux-gnu/3.6.0/dplyr/DESCRIPTION",
    ".git/hooks/requirements.txt",
    "dist/pkg-1.0/setup.py",
    "build/lib/pkg/pyproject.toml",
])
def test_manifest_kind_skips_vendored_and_generated_paths(path):
    assert manifest_kind(path) is None


def test_renv_folder_itself_is_not_excluded():
    # Only renv/library is vendored; a lock file or package elsewhere under renv/ is not.
    assert manifest_kind("renv/renv.lock") == "renv.lock"
    assert manifest_kind("library/DESCRIPTION") == "DESCRIPTION"
    assert manifest_kind("build_tools/requirements.txt") == "requirements.txt"


# ---------------------------------------------------------------------------------------
# requirements*.txt

REQUIREMENTS = """\
# Pinned by pip-compile; do not edit by hand.
-r requirements/base.txt
-c constraints.txt
--index-url https://pypi.org/simple
--extra-index-url https://example.test/simple

numpy==1.26.4 \\
    --hash=sha256:2c5a4c1d5e0b4ad1e8b6d9ff0e9f3c1c3b1d6a5f7e0b2c8d1e0f9a8b7c6d5e4f \\
    --hash=sha256:9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
Pandas[excel,performance]>=2.0,<3 ; python_version >= "3.9"
scikit_learn~=1.3  # the NHS synthetic-data models need 1.3
pywin32==306; sys_platform == "win32"
matplotlib
-e git+https://github.com/nhsx/nhs-synthetic-tools.git@v0.4.1#egg=nhs_synthetic_tools
-e .
./vendor/local_pkg
git+https://github.com/nhsengland/datascience-utils.git@main#egg=DataScience_Utils
requests @ https://files.example.test/requests-2.31.0.tar.gz
PyYAML>=6.0.1,\\
<7
"""


def test_requirements_file_with_options_hashes_editables_and_markers():
    assert parse("requirements.txt", REQUIREMENTS) == rows(
        "requirements.txt", "pypi",
        ("datascience-utils", None),
        ("matplotlib", None),
        ("nhs-synthetic-tools", None),
        ("numpy", "==1.26.4"),
        ("pandas", "<3,>=2.0"),
        ("pywin32", "==306"),
        ("pyyaml", "<7,>=6.0.1"),
        ("requests", None),
        ("scikit-learn", "~=1.3"),
    )


def test_requirements_file_with_only_includes_and_options_is_empty():
    text = "-r base.txt\n-c constraints.txt\n--index-url https://pypi.org/simple\n-e .\n"
    assert parse("requirements-dev.txt", text) == []


def test_requirements_duplicates_keep_the_first_pinned_spec():
    text = "pandas\nnumpy>=1.24\nPandas==2.2.0\nnumpy==1.26.4\n"
    assert parse("requirements/base.txt", text) == rows(
        "requirements/base.txt", "pypi",
        ("numpy", ">=1.24"),
        ("pandas", "==2.2.0"),
    )


def test_requirements_partially_invalid_file_returns_what_parsed():
    text = "numpy==1.26.4\nthis line is not a requirement at all\npandas\n"
    assert parse("requirements.txt", text) == rows(
        "requirements.txt", "pypi", ("numpy", "==1.26.4"), ("pandas", None),
    )


def test_requirements_wholly_invalid_file_raises_naming_path_and_line():
    text = "\n# Install the following before running:\nPython 3.10 and R 4.3\nthen run the notebook!\n"
    with pytest.raises(ManifestError) as caught:
        parse("analysis/requirements.txt", text)
    assert caught.value.path == "analysis/requirements.txt"
    assert caught.value.line == 3
    assert str(caught.value).startswith("analysis/requirements.txt, line 3: invalid requirement line 'Python 3.10 and R 4.3'")


def test_requirements_unknown_option_only_raises():
    with pytest.raises(ManifestError, match=r"^requirements\.txt, line 1: .*no such option: --frobnicate"):
        parse("requirements.txt", "--frobnicate yes\n")


def test_requirements_with_non_ascii_comments():
    text = "# Dépendances — équipe données\nnumpy==2.1.0  # ✓ tested\n"
    assert parse("requirements.txt", text) == [row("requirements.txt", "pypi", "numpy", "==2.1.0")]


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# only a comment\n", "\ufeff"])
def test_empty_requirements_files(text):
    assert parse("requirements.txt", text) == []


# ---------------------------------------------------------------------------------------
# pyproject.toml

PYPROJECT_PEP621 = """\
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "nhs-waiting-list-forecast"
version = "0.3.0"
requires-python = ">=3.10"
dependencies = [
    "pandas>=2.0,<3",
    "statsmodels",
    "scikit-learn[alldeps]~=1.4",
    "typing-extensions; python_version < '3.11'",
    "nhs_utils @ git+https://github.com/nhsengland/nhs-utils.git@v1.0",
]

[project.optional-dependencies]
plots = ["matplotlib>=3.8", "Seaborn"]
dev = ["pytest>=8", "pandas==2.2.1"]

[dependency-groups]
test = ["pytest-cov", "hypothesis>=6"]
lint = ["ruff==0.4.4"]
dev = [{include-group = "test"}, {include-group = "lint"}, "pre-commit"]
"""


def test_pyproject_pep621_optional_dependencies_and_dependency_groups():
    assert parse("pyproject.toml", PYPROJECT_PEP621) == rows(
        "pyproject.toml", "pypi",
        ("hypothesis", ">=6"),
        ("matplotlib", ">=3.8"),
        ("nhs-utils", None),
        ("pandas", "<3,>=2.0"),
        ("pre-commit", None),
        ("pytest", ">=8"),
        ("pytest-cov", None),
        ("ruff", "==0.4.4"),
        ("scikit-learn", "~=1.4"),
        ("seaborn", None),
        ("statsmodels", None),
        ("typing-extensions", None),
    )


PYPROJECT_POETRY = """\
[tool.poetry]
name = "ae-synthetic"
version = "1.2.0"
description = "Synthetic A&E attendances"

[tool.poetry.dependencies]
python = "^3.10"
numpy = "^1.26"
pandas = {version = ">=2.1", extras = ["parquet"]}
SDV = "*"
nhs-number = {git = "https://github.com/uk-fci/nhs-number.git", branch = "main"}
scipy = [
    {version = "<1.12", python = "<3.10"},
    {version = "^1.12", python = ">=3.10"},
]

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
Black = {version = "24.3.0"}

[tool.poetry.group.docs.dependencies]
mkdocs-material = ">=9"

[tool.poetry.dev-dependencies]
flake8 = "7.0.0"
"""


def test_pyproject_poetry_tables_groups_and_dict_specs():
    assert parse("pyproject.toml", PYPROJECT_POETRY) == rows(
        "pyproject.toml", "pypi",
        ("black", "24.3.0"),
        ("flake8", "7.0.0"),
        ("mkdocs-material", ">=9"),
        ("nhs-number", None),
        ("numpy", "^1.26"),
        ("pandas", ">=2.1"),
        ("pytest", "^8.0"),
        ("scipy", "<1.12"),
        ("sdv", None),
    )


def test_pyproject_with_no_dependencies_is_empty():
    text = '[tool.black]\nline-length = 100\n\n[tool.ruff]\nselect = ["E", "F"]\n'
    assert parse("pyproject.toml", text) == []


def test_pyproject_dynamic_dependencies_give_nothing():
    text = (
        '[project]\nname = "x"\ndynamic = ["dependencies"]\n\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt"]}\n'
    )
    assert parse("pyproject.toml", text) == []


def test_pyproject_skips_a_bad_requirement_when_others_parse():
    text = '[project]\nname = "x"\ndependencies = [\n  "numpy>=1.26",\n  "pandas >> 2",\n]\n'
    assert parse("pyproject.toml", text) == [row("pyproject.toml", "pypi", "numpy", ">=1.26")]


def test_pyproject_with_only_bad_requirements_raises_with_the_line():
    text = '[project]\nname = "x"\ndependencies = [\n  "pandas >> 2",\n]\n'
    with pytest.raises(ManifestError, match=r"^pkg/pyproject\.toml, line 4: \[project\]\.dependencies: "
                                            r"invalid requirement 'pandas >> 2'"):
        parse("pkg/pyproject.toml", text)


def test_pyproject_wrong_type_raises_when_nothing_else_reads():
    text = '[project]\nname = "x"\ndependencies = "numpy"\n'
    with pytest.raises(ManifestError, match=r"^pyproject\.toml, line 3: \[project\]\.dependencies should be a list"):
        parse("pyproject.toml", text)


def test_broken_toml_names_path_and_line():
    text = '[project]\nname = "x"\ndependencies = [\n  "numpy",\n  "pandas"\n  "scipy",\n]\n'
    with pytest.raises(ManifestError) as caught:
        parse("svc/pyproject.toml", text)
    assert caught.value.line == 6
    assert str(caught.value).startswith("svc/pyproject.toml, line 6: invalid TOML: ")


def test_broken_toml_table_header():
    with pytest.raises(ManifestError, match=r"^pyproject\.toml, line 2: invalid TOML: "):
        parse("pyproject.toml", '# tools\n[tool.poetry\nname = "x"\n')


# ---------------------------------------------------------------------------------------
# setup.cfg

SETUP_CFG = """\
[metadata]
name = nhs_text_tools
version = attr: nhs_text_tools.__version__
description = 100% free-text tooling

[options]
packages = find:
python_requires = >=3.9
install_requires =
    spacy>=3.7,<4
    # pinned for the de-identification model
    presidio-analyzer==2.2.354
    regex  # no pin
    importlib_metadata; python_version<"3.10"

[options.extras_require]
dev =
    pytest>=7
    spacy==3.7.4
docs = sphinx

[flake8]
max-line-length = 100
"""


def test_setup_cfg_install_requires_and_extras():
    assert parse("setup.cfg", SETUP_CFG) == rows(
        "setup.cfg", "pypi",
        ("importlib-metadata", None),
        ("presidio-analyzer", "==2.2.354"),
        ("pytest", ">=7"),
        ("regex", None),
        ("spacy", "<4,>=3.7"),
        ("sphinx", None),
    )


def test_setup_cfg_without_options_or_with_a_file_directive_is_empty():
    assert parse("setup.cfg", "[flake8]\nmax-line-length = 88\n") == []
    assert parse("setup.cfg", "[options]\ninstall_requires = file: requirements.txt\n") == []


def test_setup_cfg_single_line_splits_on_semicolons_like_setuptools():
    assert parse("setup.cfg", "[options]\ninstall_requires = numpy; pandas>=2\n") == rows(
        "setup.cfg", "pypi", ("numpy", None), ("pandas", ">=2"),
    )


def test_broken_setup_cfg_names_path_and_line():
    with pytest.raises(ManifestError, match=r"^setup\.cfg, line 1: invalid setup\.cfg: File contains no section headers"):
        parse("setup.cfg", "install_requires = numpy\n")
    with pytest.raises(ManifestError, match=r"^lib/setup\.cfg, line 4: invalid setup\.cfg: .*already exists"):
        parse("lib/setup.cfg", "[options]\ninstall_requires = numpy\n\ninstall_requires = pandas\n")


# ---------------------------------------------------------------------------------------
# setup.py

SETUP_PY = '''\
"""Packaging for the NHS model-card toolkit."""
import os
from setuptools import find_packages, setup

HERE = os.path.dirname(__file__)
REQUIREMENTS = [
    "jinja2>=3.1",
    "pyyaml",
    "Markdown==3.5.2",
]
TEST_REQUIREMENTS = ["pytest", "pytest-cov>=4"]

with open(os.path.join(HERE, "README.md")) as fh:
    LONG_DESCRIPTION = fh.read()

setup(
    name="model-card-toolkit-nhs",
    version="0.2.0",
    packages=find_packages(),
    long_description=LONG_DESCRIPTION,
    install_requires=REQUIREMENTS,
    extras_require={
        "test": TEST_REQUIREMENTS,
        "docs": ["mkdocs", "pyyaml>=6"],
        "all": REQUIREMENTS + TEST_REQUIREMENTS,
    },
)
'''


def test_setup_py_reads_literal_lists_and_module_level_names_without_running_it():
    assert parse("setup.py", SETUP_PY) == rows(
        "setup.py", "pypi",
        ("jinja2", ">=3.1"),
        ("markdown", "==3.5.2"),
        ("mkdocs", None),
        ("pytest", None),
        ("pytest-cov", ">=4"),
        ("pyyaml", ">=6"),
    )


def test_setup_py_under_main_guard_with_setuptools_attribute():
    text = (
        "import setuptools\n\n"
        "if __name__ == '__main__':\n"
        "    setuptools.setup(name='x', install_requires=('numpy>=1.20', 'scipy'))\n"
    )
    assert parse("tools/setup.py", text) == rows(
        "tools/setup.py", "pypi", ("numpy", ">=1.20"), ("scipy", None),
    )


def test_setup_py_with_computed_requirements_gives_nothing():
    text = (
        "from setuptools import setup\n"
        "with open('requirements.txt') as fh:\n"
        "    requirements = fh.read().splitlines()\n"
        "setup(name='x', install_requires=requirements, extras_require=dict(dev=['pytest']))\n"
    )
    assert parse("setup.py", text) == []


def test_setup_py_name_rebound_is_not_trusted():
    text = (
        "from setuptools import setup\n"
        "REQS = ['numpy']\n"
        "REQS += ['pandas']\n"
        "setup(name='x', install_requires=REQS, extras_require={'dev': ['pytest']})\n"
    )
    assert parse("setup.py", text) == [row("setup.py", "pypi", "pytest", None)]


def test_setup_py_without_setup_call_gives_nothing():
    assert parse("setup.py", "print('nothing to install')\n") == []


def test_setup_py_bad_requirement_alone_raises_with_its_line():
    text = "from setuptools import setup\nsetup(\n    install_requires=[\n        'numpy >>> 1',\n    ],\n)\n"
    with pytest.raises(ManifestError, match=r"^setup\.py, line 4: setup\(install_requires=\.\.\.\): invalid requirement"):
        parse("setup.py", text)


def test_setup_py_syntax_error_names_path_and_line():
    text = "from setuptools import setup\n\nprint 'building'\nsetup(name='legacy')\n"
    with pytest.raises(ManifestError) as caught:
        parse("legacy/setup.py", text)
    assert caught.value.line == 3
    assert str(caught.value).startswith("legacy/setup.py, line 3: invalid Python syntax")


# ---------------------------------------------------------------------------------------
# Pipfile

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
flask = "==3.0.2"
Requests = "*"
sqlalchemy = {version = ">=2.0", extras = ["asyncio"]}
nhs-dq = {git = "https://github.com/nhsx/nhs-dq.git", ref = "main"}
"zope.interface" = ">=6"

[dev-packages]
pytest = ">=8"
flask = "*"

[requires]
python_version = "3.11"
"""


def test_pipfile_packages_and_dev_packages():
    assert parse("Pipfile", PIPFILE) == rows(
        "Pipfile", "pypi",
        ("flask", "==3.0.2"),
        ("nhs-dq", None),
        ("pytest", ">=8"),
        ("requests", None),
        ("sqlalchemy", ">=2.0"),
        ("zope-interface", ">=6"),
    )


def test_broken_pipfile_names_path_and_line():
    with pytest.raises(ManifestError, match=r"^api/Pipfile, line 3: invalid TOML"):
        parse("api/Pipfile", '[packages]\nflask = "*"\nrequests = \n')


# ---------------------------------------------------------------------------------------
# environment.yml

ENVIRONMENT_YML = """\
name: nhs-imaging
channels:
  - conda-forge
  - defaults
dependencies:
  - python=3.11
  - pip
  - numpy=1.26=py311h64a7726_0
  - conda-forge::scikit-image>=0.22
  - pytorch::pytorch==2.2.1
  - SimpleITK
  - pydicom 2.4.4 pyhd8ed1ab_0
  - r-base=4.3
  - r-ggplot2=3.5.0
  - r-data.table
  - pip:
      - -r requirements-extra.txt
      - monai[nibabel]==1.3.0
      - nhs-imaging-utils @ git+https://github.com/nhsx/imaging-utils.git
      - --extra-index-url https://example.test/simple
      - numpy==1.26.4
"""


def test_environment_yml_with_channels_builds_r_packages_and_pip_section():
    assert parse("environment.yml", ENVIRONMENT_YML) == [
        row("environment.yml", "cran", "data.table", None),
        row("environment.yml", "cran", "ggplot2", "=3.5.0"),
        row("environment.yml", "pypi", "monai", "==1.3.0"),
        row("environment.yml", "pypi", "nhs-imaging-utils", None),
        row("environment.yml", "conda", "numpy", "=1.26"),
        row("environment.yml", "conda", "pydicom", "2.4.4"),
        row("environment.yml", "conda", "pytorch", "==2.2.1"),
        row("environment.yml", "conda", "scikit-image", ">=0.22"),
        row("environment.yml", "conda", "simpleitk", None),
    ]


def test_environment_yml_unpinned_conda_package_takes_the_pip_pin():
    text = "dependencies:\n  - pandas\n  - pip:\n    - pandas==2.2.2\n"
    assert parse("environment.yaml", text) == [row("environment.yaml", "pypi", "pandas", "==2.2.2")]


def test_environment_yml_match_spec_forms():
    text = """\
dependencies:
  - python>=3.10
  - r-base
  - numpy>=1.24,<2
  - conda-forge/label/dev::xarray 2024.1.*
  - pyarrow[version='>=14']
  - r-essentials
  - 42
"""
    assert parse("environment.yml", text) == rows(
        "environment.yml", "conda",
        ("numpy", ">=1.24,<2"),
        ("pyarrow", ">=14"),
        ("r-essentials", None),
        ("xarray", "2024.1.*"),
    )


def test_environment_yml_wholly_invalid_pip_section_raises_with_its_line():
    text = "name: x\ndependencies:\n  - pip:\n    - see the README for packages\n"
    with pytest.raises(ManifestError, match=r"^environment\.yml, line 4: invalid pip requirement "
                                            r"'see the README for packages'"):
        parse("environment.yml", text)


def test_environment_yml_without_dependencies_or_empty():
    assert parse("environment.yml", "name: empty\nchannels: [conda-forge]\n") == []
    assert parse("environment.yml", "# nothing yet\n") == []


def test_broken_yaml_names_path_and_line():
    text = "name: nhs\ndependencies:\n  - numpy\n  - pandas\n - scipy\n"
    with pytest.raises(ManifestError) as caught:
        parse("env/environment.yml", text)
    assert caught.value.line == 5
    assert str(caught.value).startswith("env/environment.yml, line 5: invalid YAML: ")


def test_environment_yml_that_is_not_a_mapping_raises():
    with pytest.raises(ManifestError, match=r"^environment\.yml: a conda environment file should be a mapping"):
        parse("environment.yml", "- numpy\n- pandas\n")


# ---------------------------------------------------------------------------------------
# R: DESCRIPTION and renv.lock

DESCRIPTION = """\
Package: NHSRdatasets
Type: Package
Title: NHS and Healthcare-Related Data for Education and Training
Version: 0.3.0
Authors@R: c(person("Zoë", "Turner", role = c("aut", "cre")),
    person("Chris", "Mainey", role = "aut"))
Description: Free, open-source datasets for training and teaching in the NHS.
    .
    Includes A&E attendances and LOS data.
License: CC0
Depends:
    R (>= 3.5.0),
    methods
Imports: dplyr (>= 1.0.0), ggplot2,
    tidyr,
    data.table(>= 1.14.8)
LinkingTo: Rcpp (>= 1.0.10)
Suggests:
    knitr,
    rmarkdown,
    testthat (>= 3.0.0),
    dplyr
Encoding: UTF-8
LazyData: true
"""


def test_description_fields_with_continuation_lines_and_r_itself_dropped():
    assert parse("DESCRIPTION", DESCRIPTION) == rows(
        "DESCRIPTION", "cran",
        ("Rcpp", ">= 1.0.10"),
        ("data.table", ">= 1.14.8"),
        ("dplyr", ">= 1.0.0"),
        ("ggplot2", None),
        ("knitr", None),
        ("methods", None),
        ("rmarkdown", None),
        ("testthat", ">= 3.0.0"),
        ("tidyr", None),
    )


def test_description_with_windows_line_endings():
    text = "Package: x\r\nImports:\r\n    curl,\r\n    jsonlite (>= 1.8)\r\n"
    assert parse("pkg/DESCRIPTION", text) == rows(
        "pkg/DESCRIPTION", "cran", ("curl", None), ("jsonlite", ">= 1.8"),
    )


def test_description_with_only_r_and_no_imports_is_empty():
    assert parse("DESCRIPTION", "Package: x\nDepends: R (>= 4.1)\n") == []


def test_broken_description_names_path_and_line():
    text = "Package: x\nVersion: 0.1\nthis line has no field name\nImports: dplyr\n"
    with pytest.raises(ManifestError, match=r"^DESCRIPTION, line 3: not a 'Field: value' line"):
        parse("DESCRIPTION", text)


RENV_LOCK = """\
{
  "R": {
    "Version": "4.3.2",
    "Repositories": [{"Name": "CRAN", "URL": "https://packagemanager.posit.co/cran/latest"}]
  },
  "Packages": {
    "dplyr": {
      "Package": "dplyr",
      "Version": "1.1.4",
      "Source": "Repository",
      "Repository": "CRAN",
      "Hash": "fedd9d00c2944ff00a0e2696ccf048ec"
    },
    "BiocGenerics": {
      "Package": "BiocGenerics",
      "Version": "0.48.1",
      "Source": "Bioconductor"
    },
    "NHSRplotthedots": {
      "Package": "NHSRplotthedots",
      "Version": "0.1.0",
      "Source": "GitHub",
      "RemoteUsername": "nhs-r-community"
    },
    "renv": {
      "Package": "renv",
      "Version": "1.0.3",
      "Source": "Repository"
    }
  }
}
"""


def test_renv_lock_packages_pinned_to_their_versions():
    assert parse("renv.lock", RENV_LOCK) == rows(
        "renv.lock", "cran",
        ("BiocGenerics", "==0.48.1"),
        ("NHSRplotthedots", "==0.1.0"),
        ("dplyr", "==1.1.4"),
        ("renv", "==1.0.3"),
    )


def test_broken_renv_lock_names_path_and_line():
    text = '{\n  "Packages": {\n    "dplyr": {"Version": "1.1.4",}\n  }\n}\n'
    with pytest.raises(ManifestError, match=r"^analysis/renv\.lock, line 3: invalid JSON: "):
        parse("analysis/renv.lock", text)


# ---------------------------------------------------------------------------------------
# package.json

PACKAGE_JSON = """\
{
  "name": "assembly-frontend",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "react": "^18.2.0",
    "@nhsuk/frontend": "8.1.1",
    "d3": "*"
  },
  "devDependencies": {
    "typescript": "~5.4.0",
    "vite": ">=5 <6",
    "react": "18.2.0"
  },
  "peerDependencies": {"react-dom": "^18"},
  "optionalDependencies": {"fsevents": "github:fsevents/fsevents#v2.3.3"},
  "scripts": {"build": "vite build"}
}
"""


def test_package_json_all_dependency_fields_specs_as_written():
    assert parse("frontend/package.json", PACKAGE_JSON) == rows(
        "frontend/package.json", "npm",
        ("@nhsuk/frontend", "8.1.1"),
        ("d3", None),
        ("fsevents", "github:fsevents/fsevents#v2.3.3"),
        ("react", "^18.2.0"),
        ("react-dom", "^18"),
        ("typescript", "~5.4.0"),
        ("vite", ">=5 <6"),
    )


def test_package_json_without_dependencies_is_empty():
    assert parse("package.json", '{"name": "docs-site", "private": true}') == []


def test_broken_package_json_names_path_and_line():
    text = '{\n  "name": "x",\n  "dependencies": {\n    "react": "^18"\n    "vite": "^5"\n  }\n}\n'
    with pytest.raises(ManifestError) as caught:
        parse("package.json", text)
    assert caught.value.line == 5
    assert str(caught.value).startswith("package.json, line 5: invalid JSON: ")


def test_package_json_that_is_not_an_object_raises():
    with pytest.raises(ManifestError, match=r"^package\.json, line 1: expected a JSON object"):
        parse("package.json", '["react"]')


# ---------------------------------------------------------------------------------------
# Across formats


@pytest.mark.parametrize("path", [
    "requirements.txt", "pyproject.toml", "setup.cfg", "setup.py", "Pipfile",
    "environment.yml", "DESCRIPTION", "renv.lock", "package.json",
])
def test_every_format_accepts_an_empty_file(path):
    assert parse(path, "") == []
    assert parse(path, "\n  \n") == []


def test_byte_order_mark_is_ignored():
    assert parse("package.json", '\ufeff{"dependencies": {"react": "^18"}}') == [
        row("package.json", "npm", "react", "^18"),
    ]


def test_parse_refuses_paths_that_are_not_manifests():
    with pytest.raises(ManifestError, match=r"^node_modules/x/package\.json: not a dependency manifest"):
        parse("node_modules/x/package.json", "{}")
    with pytest.raises(ManifestError, match=r"^README\.md: not a dependency manifest"):
        parse("README.md", "numpy\n")


def test_parse_refuses_oversized_text():
    text = "numpy\n" * (manifests.MAX_MANIFEST_BYTES // 6 + 1)
    with pytest.raises(ManifestError, match=r"larger than 1000000 bytes"):
        parse("requirements.txt", text)


def test_rows_fit_the_dependencies_table():
    for path, text in [
        ("requirements.txt", REQUIREMENTS), ("pyproject.toml", PYPROJECT_PEP621),
        ("pyproject.toml", PYPROJECT_POETRY), ("setup.cfg", SETUP_CFG), ("setup.py", SETUP_PY),
        ("Pipfile", PIPFILE), ("environment.yml", ENVIRONMENT_YML), ("DESCRIPTION", DESCRIPTION),
        ("renv.lock", RENV_LOCK), ("package.json", PACKAGE_JSON),
    ]:
        result = parse(path, text)
        assert result, path
        assert [r["package"] for r in result] == sorted({r["package"] for r in result})
        for r in result:
            assert set(r) == {"manifest_path", "ecosystem", "package", "version_spec"}
            assert r["ecosystem"] in manifests.ECOSYSTEMS
            assert r["package"] and r["version_spec"] != ""


def test_manifest_error_is_a_value_error_and_survives_pickling():
    error = ManifestError("setup.py", "invalid Python syntax", 3)
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, copy.line, str(copy)) == (
        "setup.py", "invalid Python syntax", 3, "setup.py, line 3: invalid Python syntax",
    )
    assert str(ManifestError("renv.lock", "expected a JSON object")) == "renv.lock: expected a JSON object"


# ---------------------------------------------------------------------------------------
# Bytes: decoding before parsing

WINDOWS_REQUIREMENTS = "# Saved from Notepad: café\r\nnumpy==1.26.4\r\npandas>=2.0\r\nscikit_learn\r\n"
WINDOWS_ROWS = rows("requirements.txt", "pypi", ("numpy", "==1.26.4"), ("pandas", ">=2.0"), ("scikit-learn", None))


def test_parse_bytes_reads_utf16_le_with_a_byte_order_mark():
    data = WINDOWS_REQUIREMENTS.encode("utf-16")  # what Windows "Save as Unicode" writes
    assert data.startswith(b"\xff\xfe")
    assert manifests.parse_bytes("requirements.txt", data) == WINDOWS_ROWS


def test_parse_bytes_reads_utf8_with_a_byte_order_mark():
    data = WINDOWS_REQUIREMENTS.encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    assert manifests.parse_bytes("requirements.txt", data) == WINDOWS_ROWS


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""),
    ("utf-16-be", b""),
    ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b"\x00\x00\xfe\xff"),
])
def test_decode_encodings(encoding, bom):
    data = bom + WINDOWS_REQUIREMENTS.encode(encoding)
    assert manifests.decode(data, "requirements.txt") == WINDOWS_REQUIREMENTS
    assert manifests.parse_bytes("requirements.txt", data) == WINDOWS_ROWS


def test_decode_keeps_text_that_merely_looks_odd():
    assert manifests.decode(b"", "requirements.txt") == ""
    assert manifests.decode("numpy  # ≥ 1.26 ✓\n".encode(), "requirements.txt") == "numpy  # ≥ 1.26 ✓\n"
    # A PEP 263 declaration is honoured for code that is not UTF-8.
    legacy = "# -*- coding: latin-1 -*-\nfrom setuptools import setup\nsetup(name='x', author='Zoë',\n" \
             "      install_requires=['numpy'])\n"
    assert manifests.decode(legacy.encode("latin-1"), "setup.py") == legacy
    assert manifests.parse_bytes("setup.py", legacy.encode("latin-1")) == rows("setup.py", "pypi", ("numpy", None))


@pytest.mark.parametrize("data", [
    b"numpy\n\xff\xfe\xfa pandas\n",           # not UTF-8, no mark
    "pandas  # £5\n".encode("cp1252"),         # Windows code page
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # binary with NULs
    b"numpy\x00\n",                            # UTF-8 with a stray NUL
    b"\xff\xfen\x00\x00\xd8",                  # UTF-16 mark, then a lone surrogate
    b"\xef\xbb\xbfnumpy \xff\n",               # UTF-8 mark, then invalid UTF-8
    b"# coding: no-such-codec\n\xff\n",        # a declaration naming no codec
])
def test_undecodable_bytes_raise_naming_the_path(data):
    with pytest.raises(ManifestError, match=r"^envs/requirements-dev\.txt: not text in UTF-8 or UTF-16$"):
        manifests.parse_bytes("envs/requirements-dev.txt", data)
    with pytest.raises(ManifestError, match=r"^scripts/etl\.py: not text in UTF-8 or UTF-16$"):
        manifests.decode(data, "scripts/etl.py")


def test_parse_bytes_refuses_non_manifests_and_oversized_data():
    with pytest.raises(ManifestError, match=r"^README\.md: not a dependency manifest"):
        manifests.parse_bytes("README.md", b"numpy\n")
    with pytest.raises(ManifestError, match=r"^requirements\.txt: larger than 1000000 bytes"):
        manifests.parse_bytes("requirements.txt", b"numpy\n" * (manifests.MAX_MANIFEST_BYTES // 6 + 1))


@pytest.mark.parametrize("path, text, expected", [
    ("pyproject.toml", '[project]\nname = "DS_Toolkit"\n', [("pypi", "ds-toolkit")]),
    ("lib/pyproject.toml", '[tool.poetry]\nname = "nhs.utils"\n', [("pypi", "nhs-utils")]),
    ("setup.cfg", "[metadata]\nname = nhs-foo\n[options]\ninstall_requires = pandas\n", [("pypi", "nhs-foo")]),
    ("setup.py", 'from setuptools import setup\nsetup(name="bar", version="1")\n', [("pypi", "bar")]),
    ("setup.py", 'from setuptools import setup\nsetup(name=NAME)\n', []),          # not a literal: not guessed
    ("DESCRIPTION", "Package: NHSRdemand\nVersion: 1.0\nImports: dplyr\n", [("cran", "NHSRdemand")]),
    ("package.json", '{"name": "@nhs/ui", "dependencies": {}}', [("npm", "@nhs/ui")]),
    ("pyproject.toml", "[tool.black]\nline-length = 100\n", []),
    ("pyproject.toml", "[project\nname = broken", []),                              # parse() reports this one
    ("requirements.txt", "pandas\n", []),
])
def test_provides_names_the_package_a_repository_publishes(path, text, expected):
    assert [(r["ecosystem"], r["package"]) for r in manifests.provides(path, text)] == expected
